"""Submissions (申請（送付）): the immutable record of what a resident signed and what was sent on.

A submission is the one hand-off between whoever receives an application (the one-stop counter today; a
certificate request, an application prepared at home or a partner's referral next) and whoever processes
it (the central processing center). It holds the plan as signed, the catalog version, the reception date,
a snapshot of the data and the signed PDF with its SHA-256. Nothing downstream reads the live source
record or recomputes a plan from today's catalog. A correction is a new version linked to the previous one.

This package knows no source: a source registers how it is told about a return and a completion
(`sources.py`), so that the center calls it without importing it.
"""
