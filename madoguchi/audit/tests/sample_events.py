"""Audit events registered for the tests only (importing this module registers them)."""

from __future__ import annotations

from madoguchi.audit.events import EventType, register, register_category

register_category("test", "テスト")

register(
    *(
        EventType(f"test.{name}", f"テスト（{name}）", "test")
        for name in ("action", "after", "doomed", "findme", "periodic", "secret", "unsealed", "unsealed-2")
    ),
    EventType(
        "test.status",
        "テストの状態変更",
        "test",
        fields={"status": "状態"},
        choices={"status": {"waiting": "お待ち", "called": "呼出し中"}},
    ),
)
