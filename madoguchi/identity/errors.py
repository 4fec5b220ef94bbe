"""The one error every validator in `madoguchi.identity` raises."""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input the clerk has to correct; `message` says how, in Japanese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
