"""madoguchi: one-stop service counter platform for Japanese municipalities."""

__version__ = "0.1.0"
