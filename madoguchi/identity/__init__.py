"""Validators and normalisers for what a counter clerk types in: postal codes, 地方公共団体コード, dates in
和暦, フリガナ, 個人番号, telephone numbers and names.

Plain Python (no Django): each function takes a string and returns the normalised value, or raises
`InvalidInput` whose `.message` is a Japanese sentence the clerk can act on.
"""

from madoguchi.identity.errors import InvalidInput

__all__ = ["InvalidInput"]
