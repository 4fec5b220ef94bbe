"""How every write of madoguchi runs: one transaction per action, rows locked in one fixed order, a
deadlock or serialization failure retried a bounded number of times (`atomic_action`, `lock`), and the
hot reads compiled once per process (`CompiledQuery`).

Plain infrastructure beneath the bounded contexts: it imports none of them (models are named by label).
"""

from madoguchi.transactions.actions import Busy, atomic_action, is_retryable
from madoguchi.transactions.compiled import CompiledQuery, CompiledQueryError
from madoguchi.transactions.locks import LOCK_ORDER, LockOrderViolation, claim, lock

__all__ = [
    "LOCK_ORDER",
    "Busy",
    "CompiledQuery",
    "CompiledQueryError",
    "LockOrderViolation",
    "atomic_action",
    "claim",
    "is_retryable",
    "lock",
]
