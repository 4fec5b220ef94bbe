"""The rules engine: household facts → the plan of procedures for a life event.

Plain Python with no Django import (enforced by a test), so that it can be tested and benchmarked alone
and evaluated for a whole population. The catalog app feeds it plain data and stores nothing here.
"""
