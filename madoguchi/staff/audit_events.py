"""The staff accounts' audit events (registered at start-up by `AuditConfig.ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madoguchi.audit.events import EventType, field_choices, field_labels, register, register_category
from madoguchi.staff.models import Staff

register_category("staff", _("職員"))

_fields = {**field_labels(Staff), "username": _("ログインID"), "is_active": _("有効")}
_choices = field_choices(Staff)

register(
    EventType("staff.create", _("職員の登録"), "staff", fields=_fields, choices=_choices),
    EventType("staff.update", _("職員情報の変更"), "staff", fields=_fields, choices=_choices),
    EventType("staff.activate", _("職員アカウントの有効化"), "staff", fields=_fields, choices=_choices),
    EventType("staff.deactivate", _("職員アカウントの無効化"), "staff", fields=_fields, choices=_choices),
    EventType("staff.password.reset", pgettext_lazy("audit event", "パスワードの再設定"), "staff"),
    EventType("staff.password.change", _("パスワードの変更"), "staff"),
    EventType("staff.login", pgettext_lazy("audit event", "ログイン"), "staff"),
    EventType("staff.logout", pgettext_lazy("audit event", "ログアウト"), "staff"),
    EventType(
        "staff.login.failed", _("ログインの失敗"), "staff", fields={"username": _("入力されたログインID")}
    ),
    EventType(
        "staff.login.locked",
        _("ログインの一時停止（続けて失敗）"),
        "staff",
        fields={"username": _("ログインID"), "address": _("端末のアドレス")},
    ),
    EventType(
        "staff.login.code_failed",
        _("確認コードの誤り（2段階認証）"),
        "staff",
        fields={"username": _("ログインID")},
    ),
    EventType(
        "staff.second_factor.enrol",
        _("2段階認証の登録"),
        "staff",
        fields={"replaced": _("以前の登録を置き換え")},
    ),
    EventType("staff.second_factor.remove", _("2段階認証の解除"), "staff"),
    EventType("staff.role.sync", _("役割の権限の更新"), "staff", fields={"permissions": _("権限")}),
    EventType(
        "staff.api_token.create",
        _("API トークンの発行"),
        "staff",
        fields={"staff": _("職員"), "name": _("用途")},
    ),
    EventType("staff.api_token.revoke", _("API トークンの失効"), "staff", fields={"staff": _("職員")}),
)
