"""The effect simulator: a discrete-event model of a ward office, before and after the one-stop counter.

Plain Python on SimPy with no Django import (enforced by a test); it takes plain parameters and returns
immutable results.
"""
