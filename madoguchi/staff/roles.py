"""The role matrix: which capability each role holds, and which capabilities are administrative decisions.

Roles become Django groups and capabilities become Django permissions (`staff.<codename>`); the groups
are rebuilt from this table after every migrate, so the table is the one place to read or change who may
do what. Capabilities flagged as decisions (公権力の行使) are refused to contractor clerks (委託) by the
authentication backend whatever their groups say: by law a contractor may only do factual work
(受付・入力・交付の事実行為).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CONCIERGE = "concierge", _("コンシェルジュ（フロア案内）")
    ONESTOP_CLERK = "onestop_clerk", _("総合窓口職員")
    CONTRACTOR_CLERK = "contractor_clerk", _("総合窓口 委託事業者")
    CENTER_STAFF = "center_staff", _("集中事務センター職員")
    CENTER_APPROVER = "center_approver", _("集中事務センター 決裁者")
    DEPARTMENT_STAFF = "department_staff", _("所管課職員")
    BRANCH_STAFF = "branch_staff", _("支所職員")
    MANAGER = "manager", _("管理職")
    ADMINISTRATOR = "administrator", _("システム管理者")


@dataclass(frozen=True)
class Capability:
    codename: str
    label: Promise
    decision: bool = False


ISSUE_TICKET = Capability("issue_ticket", _("整理券の発行"))
SERVE_COUNTER = Capability("serve_counter", _("窓口での呼出し・対応"))
HANDLE_CASE = Capability("handle_case", _("受付案件の聞取り・入力・帳票印刷"))
SUBMIT_CASE = Capability("submit_case", _("受付案件の送付（受付の事実行為）"))
REVEAL_MY_NUMBER = Capability("reveal_my_number", _("個人番号の表示"))
PROCESS_WORK_ITEM = Capability("process_work_item", _("処理案件の処理・結果入力"))
APPROVE_WORK_ITEM = Capability("approve_work_item", _("処理案件の決裁（承認）"), decision=True)
RETURN_WORK_ITEM = Capability("return_work_item", _("処理案件の差戻し"), decision=True)
DECIDE_APPLICATION = Capability("decide_application", _("申請の審査・決定（受理・不受理）"), decision=True)
HANDLE_DEPARTMENT_PROCEDURE = Capability("handle_department_procedure", _("所管課手続の受付・処理"))
CONSULT_REMOTE = Capability("consult_remote", _("本庁・支所間のリモート相談"))
VIEW_DASHBOARDS = Capability("view_dashboards", _("庁舎の状況・統計の閲覧"))
EDIT_CATALOG = Capability("edit_catalog", _("手続カタログの編集"))
PLAN_OPERATIONS = Capability("plan_operations", _("業務選定・効果試算"))
VIEW_AUDIT_LOG = Capability("view_audit_log", _("監査ログの閲覧"))
MANAGE_STAFF = Capability("manage_staff", _("職員アカウントの管理"))
MANAGE_ORGANIZATION = Capability("manage_organization", _("庁舎・課・窓口の設定"))

CAPABILITIES: tuple[Capability, ...] = (
    ISSUE_TICKET,
    SERVE_COUNTER,
    HANDLE_CASE,
    SUBMIT_CASE,
    REVEAL_MY_NUMBER,
    PROCESS_WORK_ITEM,
    APPROVE_WORK_ITEM,
    RETURN_WORK_ITEM,
    DECIDE_APPLICATION,
    HANDLE_DEPARTMENT_PROCEDURE,
    CONSULT_REMOTE,
    VIEW_DASHBOARDS,
    EDIT_CATALOG,
    PLAN_OPERATIONS,
    VIEW_AUDIT_LOG,
    MANAGE_STAFF,
    MANAGE_ORGANIZATION,
)

DECISION_CODENAMES: frozenset[str] = frozenset(c.codename for c in CAPABILITIES if c.decision)

ROLE_CAPABILITIES: dict[Role, tuple[Capability, ...]] = {
    Role.CONCIERGE: (ISSUE_TICKET,),
    Role.ONESTOP_CLERK: (
        ISSUE_TICKET,
        SERVE_COUNTER,
        HANDLE_CASE,
        SUBMIT_CASE,
        REVEAL_MY_NUMBER,
        DECIDE_APPLICATION,
    ),
    Role.CONTRACTOR_CLERK: (ISSUE_TICKET, SERVE_COUNTER, HANDLE_CASE, SUBMIT_CASE),
    Role.CENTER_STAFF: (PROCESS_WORK_ITEM, REVEAL_MY_NUMBER),
    Role.CENTER_APPROVER: (PROCESS_WORK_ITEM, APPROVE_WORK_ITEM, RETURN_WORK_ITEM, REVEAL_MY_NUMBER),
    Role.DEPARTMENT_STAFF: (
        SERVE_COUNTER,
        HANDLE_DEPARTMENT_PROCEDURE,
        DECIDE_APPLICATION,
        CONSULT_REMOTE,
        REVEAL_MY_NUMBER,
    ),
    Role.BRANCH_STAFF: (ISSUE_TICKET, SERVE_COUNTER, HANDLE_CASE, SUBMIT_CASE, CONSULT_REMOTE),
    Role.MANAGER: (VIEW_DASHBOARDS, EDIT_CATALOG, PLAN_OPERATIONS, VIEW_AUDIT_LOG),
    Role.ADMINISTRATOR: (MANAGE_STAFF, MANAGE_ORGANIZATION, VIEW_AUDIT_LOG),
}

# Roles held by people who are not city employees. Checked by the backend, not only by the table above.
CONTRACTOR_ROLES: frozenset[str] = frozenset({Role.CONTRACTOR_CLERK})


def permission_name(capability: Capability) -> str:
    """The Django permission string, e.g. `staff.approve_work_item`."""
    return f"staff.{capability.codename}"


def role_group_name(role: Role) -> str:
    """Groups are named by role code, so that renaming a label never breaks a lookup."""
    return f"role:{role.value}"
