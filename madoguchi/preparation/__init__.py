"""Preparation (事前入力): what a resident prepares before the visit, and how it crosses to the counter.

One record format (preparation/v1, `record.py`) filled by three doors: the resident's phone (`/prepare/`),
imports from マイナポータル (`mynaportal.py`) and the clerk. It crosses from the internet segment to the
counter's segment only as a QR code (`codes.py`): *carry* puts the whole record, encrypted to the counter
and signed by the issuing side, inside the code; *reference* puts a short token that looks up a draft the
counter side can reach.
"""
