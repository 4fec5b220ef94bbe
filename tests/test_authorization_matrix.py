"""Who reaches what: every URL of the URLconf × anonymous and every demo role, against one table.

Each row of `MATRIX` is a route (its name, or its pattern when it has none), the method it is tried with,
and the answer each column must get. A route without a row fails `test_every_route_has_a_row` with the
row to add; a row whose route is gone fails too. Every request runs inside a savepoint that is rolled
back, so an allowed POST changes nothing the next request sees.

Answers: `ok` 2xx, or a redirect that is not to a sign-in page; `login` a redirect to the staff or admin
sign-in page; `401`, `403`, `404`, `405` those statuses; `400` the input was refused after the
permission check passed (an empty POST).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

# The columns: anonymous, the nine demo logins (README), and a one-stop clerk of another ward office.
COLUMNS = (
    "anonymous",
    "concierge",
    "clerk",
    "contractor",
    "center",
    "approver",
    "department",
    "branch",
    "manager",
    "admin",
    "kita-clerk",
)
OTHER_OFFICE_CLERK = "kita-clerk"

# The marker makes pytest-django create the test database; `world` loads the city once for the module.
pytestmark = pytest.mark.django_db


def row(method: str, answers: str) -> tuple[str, tuple[str, ...]]:
    cells = tuple(answers.split())
    assert len(cells) == len(COLUMNS), f"{answers!r} has {len(cells)} answers, not {len(COLUMNS)}"
    return method, cells


# fmt: off
MATRIX: dict[str, tuple[str, tuple[str, ...]]] = {
    #                                                                  anon  conc  clerk contr center appr  dept  branch mgr   admin kita
    "/":                                                   row("GET",  "ok    ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "staff:login":                                         row("GET",  "ok    ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "staff:login-code":                                    row("GET",  "login ok ok ok ok ok ok ok ok ok ok"),
    "staff:second-factor":                                 row("GET",  "login ok ok ok ok ok ok ok ok ok ok"),
    "staff:second-factor-remove":                          row("POST", "login ok ok ok ok ok ok ok ok ok ok"),
    "staff:staff-remove-second-factor":                    row("POST", "login 403 403 403 403 403 403 403 403 ok 403"),
    "staff:logout":                                        row("POST", "login login login login login  login login login  login login login"),
    "staff:password-change":                               row("GET",  "login ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "staff:home":                                          row("GET",  "login ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "staff:role-home":                                     row("GET",  "login 403   403   403   403    403   403   403    ok    403   403"),
    "staff:staff-list":                                    row("GET",  "login 403   403   403   403    403   403   403    403   ok    403"),
    "staff:staff-create":                                  row("GET",  "login 403   403   403   403    403   403   403    403   ok    403"),
    "staff:staff-edit":                                    row("GET",  "login 403   403   403   403    403   403   403    403   ok    403"),
    "staff:staff-set-active":                              row("POST", "login 403   403   403   403    403   403   403    403   ok    403"),
    "staff:staff-reset-password":                          row("POST", "login 403   403   403   403    403   403   403    403   ok    403"),
    "runtime:healthz":                                     row("GET",  "ok    ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "audit:search":                                        row("GET",  "login 403   403   403   403    403   403   403    ok    ok    403"),
    "organization:offices":                                row("GET",  "login 403   403   403   403    403   403   403    ok    ok    403"),
    "navigator:start":                                     row("GET",  "login 403   ok    ok    403    403   ok    ok     403   403   ok"),
    "navigator:interview":                                 row("GET",  "login 403   ok    ok    403    403   ok    ok     403   403   ok"),
    "navigator:checklist":                                 row("POST", "login 403   400   400   403    403   400   400    403   403   400"),
    "cases:list":                                          row("GET",  "login 403   ok    ok    403    403   403   ok     403   403   ok"),
    "cases:create":                                        row("POST", "login 403   ok    ok    403    403   403   ok     403   403   ok"),
    "cases:postal":                                        row("GET",  "login 403   400   400   403    403   400   400    403   403   400"),
    "cases:from-interview":                                row("POST", "login 403   400   400   403    403   403   400    403   403   400"),
    "cases:detail":                                        row("GET",  "login 403   ok    ok    403    403   403   403    403   403   403"),
    "cases:ready":                                         row("POST", "login 403   ok    ok    403    403   403   403    403   403   403"),
    "cases:bundle":                                        row("GET",  "login 403   ok    ok    403    403   403   403    403   403   403"),
    "cases:bundle-my-numbers":                             row("POST", "login 403   400   403   403    403   403   403    403   403   403"),
    "cases:receipt":                                       row("GET",  "login 403   ok    ok    403    403   403   403    403   403   403"),
    "cases:interview":                                     row("GET",  "login 403   ok    ok    403    403   403   403    403   403   403"),
    "cases:transition":                                    row("POST", "login 403   ok    ok    403    403   403   403    403   403   403"),
    "cases:reveal":                                        row("POST", "login 403   400   403   403    403   403   403    403   403   403"),
    "center:batches":                                      row("GET",  "login 403   403   403   ok     ok    403   403    403   403   403"),
    "center:claim":                                        row("POST", "login 403   403   403   404    404   403   403    403   403   403"),
    "center:item":                                         row("GET",  "login 403   ok    ok    ok     ok    403   403    403   403   403"),
    "center:documents":                                    row("GET",  "login 403   403   403   ok     ok    403   403    403   403   403"),
    "center:documents-version":                            row("GET",  "login 403   403   403   ok     ok    403   403    403   403   403"),
    "center:action":                                       row("POST", "login 403   403   403   ok     ok    403   403    403   403   403"),
    "center:approvals":                                    row("GET",  "login 403   403   403   403    ok    403   403    403   403   403"),
    "center:returns":                                      row("GET",  "login 403   ok    ok    403    403   403   ok     403   403   ok"),
    "center:dispatch":                                     row("GET",  "login 403   403   403   ok     ok    403   403    403   403   403"),
    "center:dashboard":                                    row("GET",  "login 403   403   403   ok     ok    403   403    ok    403   403"),
    "center:exports":                                      row("GET",  "login 403   403   403   ok     ok    403   403    403   403   403"),
    "center:export-download":                              row("GET",  "login 403   403   403   404    404   403   403    403   403   403"),
    "departments:list":                                    row("GET",  "login 403   403   403   403    403   ok    403    403   403   403"),
    "departments:case":                                    row("GET",  "login 403   403   403   403    403   403   403    403   403   403"),
    "screening:page":                                      row("GET",  "login 403   403   403   403    403   403   403    ok    403   403"),
    "screening:upload":                                    row("POST", "login 403   403   403   403    403   403   403    400   403   403"),
    "screening:read":                                      row("GET",  "login 403   403   403   403    403   403   403    404   403   403"),
    "screening:demo":                                      row("POST", "login 403   403   403   403    403   403   403    ok    403   403"),
    "screening:export-csv":                                row("GET",  "login 403   403   403   403    403   403   403    ok    403   403"),
    "screening:export-xlsx":                               row("GET",  "login 403   403   403   403    403   403   403    ok    403   403"),
    "screening:catalog":                                   row("POST", "login 403   403   403   403    403   403   403    ok    403   403"),
    "catalog:procedures":                                  row("GET",  "login 403   403   403   403    403   403   403    ok    403   403"),
    "catalog:procedure":                                   row("GET",  "login 403   403   403   403    403   403   403    ok    403   403"),
    "simulation:runs":                                     row("GET",  "login 403   403   403   403    403   403   403    ok    403   403"),
    "simulation:run":                                      row("GET",  "login 403   403   403   403    403   403   403    ok    403   403"),
    "simulation:chart":                                    row("GET",  "login 403   403   403   403    403   403   403    404   403   403"),
    "simulation:pdf":                                      row("GET",  "login 403   403   403   403    403   403   403    404   403   403"),
    "api:plans":                                           row("POST", "415   415   415   415   415    415   415   415    415   415   415"),
    "api:openapi":                                         row("GET",  "ok    ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "api-tickets":                                         row("POST", "401   401   401   401   401    401   401   401    401   401   401"),
    "api-counter-call":                                    row("POST", "401   401   401   401   401    401   401   401    401   401   401"),
    "api-ticket-step":                                     row("POST", "401   401   401   401   401    401   401   401    401   401   401"),
    "reception:wait":                                      row("GET",  "ok    ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "reception:wait-notify":                               row("POST", "400   400   400   400   400    400   400   400    400   400   400"),
    "reception:board":                                     row("GET",  "ok    ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "reception:board-events":                              row("GET",  "-     -     -     -     -      -     -     -      -     -     -"),
    "reception:kiosk":                                     row("GET",  "401   401   401   401   401    401   401   401    401   401   401"),
    "reception:kiosk-issue":                               row("POST", "401   401   401   401   401    401   401   401    401   401   401"),
    "reception:kiosk-ticket":                              row("GET",  "401   401   401   401   401    401   401   401    401   401   401"),
    "reception:concierge":                                 row("GET",  "login ok    ok    ok    403    403   403   ok     403   403   ok"),
    "reception:issue":                                     row("POST", "login ok    ok    ok    403    403   403   ok     403   403   ok"),
    "reception:ticket":                                    row("GET",  "login ok    ok    ok    403    403   ok    404    403   403   404"),
    "reception:counter":                                   row("GET",  "login 403   ok    ok    403    403   ok    ok     403   403   ok"),
    "reception:counter-action":                            row("POST", "login 403   ok    ok    403    403   ok    ok     403   403   ok"),
    "reception:status":                                    row("GET",  "login 403   403   403   403    403   403   403    ok    403   403"),
    "reception:statistics":                                row("GET",  "login 403   403   403   403    403   403   403    ok    403   403"),
    "reception:status-events":                             row("GET",  "-     -     -     -     -      -     -     -      -     -     -"),
    "prepare:start":                                       row("GET",  "ok    ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "prepare:code-png":                                    row("POST", "400   400   400   400   400    400   400   400    400   400   400"),
    "preparation:scan":                                    row("GET",  "login 403   ok    ok    403    403   403   ok     403   403   ok"),
    "preparation:open-imported":                           row("POST", "login 403   404   404   403    403   403   404    403   403   404"),
    "preparation:book-proposed":                           row("POST", "login 403   404   404   403    403   403   404    403   403   404"),
    "preparation:kiosk-check-in":                          row("POST", "401   401   401   401   401    401   401   401    401   401   401"),
    "preparation:visits":                                  row("GET",  "login 403   403   403   403    403   403   403    ok    403   403"),
    "certificates:phone":                                  row("GET",  "ok    ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "certificates:store":                                  row("GET",  "ok    ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "certificates:counter":                                row("GET",  "login 403   ok    ok    403    403   ok    ok     403   403   ok"),
    "certificates:alerts":                                 row("GET",  "login 403   403   403   403    403   403   403    ok    403   403"),
    "certificates:manage":                                 row("GET",  "login 403   403   403   403    403   403   403    ok    403   403"),
    "certificates:acknowledge":                            row("POST", "login 403   403   403   403    403   403   403    ok    403   403"),
    "remote:desk":                                         row("GET",  "login 403 403 403 403 403 ok ok 403 403 403"),
    "remote:presence":                                     row("GET",  "login 403 403 403 403 403 ok ok 403 403 403"),
    "remote:beat":                                         row("POST", "403 400 400 400 400 400 400 400 400 400 400"),
    "remote:presence-leave":                               row("POST", "ok ok ok ok ok ok ok ok ok ok ok"),
    "remote:incoming":                                     row("GET",  "login 403 403 403 403 403 ok ok 403 403 403"),
    "remote:desk-stream":                                  row("GET",  "-     -     -     -     -      -     -     -      -     -     -"),
    "remote:profile":                                      row("POST", "login 403 403 403 403 403 ok ok 403 403 403"),
    "remote:away":                                         row("POST", "login 403 403 403 403 403 ok ok 403 403 403"),
    "remote:manage":                                       row("GET",  "login 403 403 403 403 403 403 403 ok 403 403"),
    "remote:door":                                         row("GET",  "ok ok ok ok ok ok ok ok ok ok ok"),
    "remote:request":                                      row("POST", "login 403 403 403 403 403 403 403 403 403 403"),
    "remote:room":                                         row("GET",  "login 403 403 403 403 403 ok ok 403 403 403"),
    "remote:guest":                                        row("GET",  "ok ok ok ok ok ok ok ok ok ok ok"),
    "remote:accept":                                       row("POST", "login 403 403 403 403 403 ok 403 403 403 403"),
    "remote:state":                                        row("GET",  "403 403 403 403 403 403 ok ok 403 403 403"),
    "remote:events":                                       row("GET",  "-     -     -     -     -      -     -     -      -     -     -"),
    "remote:join":                                         row("POST", "403 403 403 403 403 403 400 400 403 403 403"),
    "remote:leave":                                        row("POST", "403 403 403 403 403 403 ok ok 403 403 403"),
    "remote:signal":                                       row("POST", "403 403 403 403 403 403 400 400 403 403 403"),
    "remote:connected":                                    row("POST", "403 403 403 403 403 403 ok ok 403 403 403"),
    "remote:case":                                         row("GET",  "403 403 403 403 403 403 ok ok 403 403 403"),
    "remote:invite":                                       row("POST", "login 403 403 403 403 403 403 400 403 403 403"),
    "remote:consent":                                      row("POST", "login 403 403 403 403 403 403 ok 403 403 403"),
    "remote:capture":                                      row("POST", "login 403 403 403 403 403 400 400 403 403 403"),
    "remote:capture-image":                                row("GET",  "login 404 404 404 404 404 404 404 404 404 404"),
    "remote:callback":                                     row("POST", "login 403 403 403 403 403 403 ok 403 403 403"),
    "remote:cancel":                                       row("POST", "login 403 403 403 403 403 403 ok 403 403 403"),
    "remote:end":                                          row("POST", "login 403 403 403 403 403 ok ok 403 403 403"),
    "verify":                                              row("GET",  "ok    ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "api-preparations-import":                             row("POST", "401   401   401   401   401    401   401   401    401   401   401"),
    "reservations:offices":                                row("GET",  "ok    ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "reservations:manage":                                 row("GET",  "ok    ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "reservations:manage-cancel":                          row("POST", "ok    ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "reservations:reserve":                                row("GET",  "ok    ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "reservations:list":                                   row("GET",  "login ok    ok    ok    403    403   403   ok     403   403   ok"),
    "reservations:book":                                   row("POST", "login 400   400   400   403    403   403   400    403   403   400"),
    "reservations:action":                                 row("POST", "login ok    ok    ok    403    403   403   403    403   403   403"),
    "set_language":                                        row("GET",  "ok    ok    ok    ok    ok     ok    ok    ok     ok    ok    ok"),
    "admin:index":                                         row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:login":                                         row("GET",  "login login login login login login login login login login login"),
    "admin:logout":                                        row("GET",  "ok    ok    ok    ok    ok     ok    ok    ok     405   405   ok"),
    "admin:password_change":                               row("GET",  "ok ok ok ok ok ok ok ok ok ok ok"),
    "admin:password_change_done":                          row("GET",  "ok ok ok ok ok ok ok ok ok ok ok"),
    "admin:autocomplete":                                  row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:jsi18n":                                        row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:view_on_site":                                  row("GET",  "login login login login login  login login login  404   404   login"),
    "admin:staff_apitoken_changelist":                     row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:staff_apitoken_add":                            row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:staff_apitoken_history":                        row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:staff_apitoken_delete":                         row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:staff_apitoken_change":                         row("GET",  "login login login login login  login login login  403   ok    login"),
    "/admin/staff/apitoken/<path:object_id>/":             row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:tasks_task_changelist":                         row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:tasks_task_add":                                row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:tasks_task_history":                            row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:tasks_task_delete":                             row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:tasks_task_change":                             row("GET",  "login login login login login  login login login  ok    ok    login"),
    "/admin/tasks/task/<path:object_id>/":                 row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:organization_office_changelist":                row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:organization_office_add":                       row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:organization_office_history":                   row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:organization_office_delete":                    row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:organization_office_change":                    row("GET",  "login login login login login  login login login  403   ok    login"),
    "/admin/organization/office/<path:object_id>/":        row("GET",  "login login login login login  login login login  ok    ok    login"),
    "/admin/otp_totp/totpdevice/<path:object_id>/":        row("GET",  "login login login login login login login login ok ok login"),
    "admin:otp_totp_totpdevice_change":                    row("GET",  "login login login login login login login login 403 403 login"),
    "admin:otp_totp_totpdevice_delete":                    row("GET",  "login login login login login login login login 403 403 login"),
    "admin:otp_totp_totpdevice_history":                   row("GET",  "login login login login login login login login ok ok login"),
    "admin:otp_totp_totpdevice_add":                       row("GET",  "login login login login login login login login 403 403 login"),
    "admin:otp_totp_totpdevice_changelist":                row("GET",  "login login login login login login login login 403 403 login"),
    "admin:otp_totp_totpdevice_qrcode":                    row("GET",  "login login login login login login login login 403 403 login"),
    "admin:otp_totp_totpdevice_config":                    row("GET",  "login login login login login login login login 403 403 login"),
    "admin:reception_kiosktoken_changelist":               row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:reception_kiosktoken_add":                      row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:reception_kiosktoken_history":                  row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:reception_kiosktoken_delete":                   row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:reception_kiosktoken_change":                   row("GET",  "login login login login login  login login login  403   ok    login"),
    "/admin/reception/kiosktoken/<path:object_id>/":       row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:organization_department_changelist":            row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:organization_department_add":                   row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:organization_department_history":               row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:organization_department_delete":                row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:organization_department_change":                row("GET",  "login login login login login  login login login  403   ok    login"),
    "/admin/organization/department/<path:object_id>/":    row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:organization_queue_changelist":                 row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:organization_queue_add":                        row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:organization_queue_history":                    row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:organization_queue_delete":                     row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:organization_queue_change":                     row("GET",  "login login login login login  login login login  403   ok    login"),
    "/admin/organization/queue/<path:object_id>/":         row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:organization_counter_changelist":               row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:organization_counter_add":                      row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:organization_counter_history":                  row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:organization_counter_delete":                   row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:organization_counter_change":                   row("GET",  "login login login login login  login login login  403   ok    login"),
    "/admin/organization/counter/<path:object_id>/":       row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:catalog_procedure_changelist":                  row("GET",  "login login login login login  login login login  ok    403   login"),
    "admin:catalog_procedure_add":                         row("GET",  "login login login login login  login login login  ok    403   login"),
    "admin:catalog_procedure_history":                     row("GET",  "login login login login login  login login login  ok    403   login"),
    "admin:catalog_procedure_delete":                      row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:catalog_procedure_change":                      row("GET",  "login login login login login  login login login  ok    403   login"),
    "/admin/catalog/procedure/<path:object_id>/":          row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:center_workqueue_changelist":                   row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:center_workqueue_add":                          row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:center_workqueue_history":                      row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:center_workqueue_delete":                       row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:center_workqueue_change":                       row("GET",  "login login login login login  login login login  403   ok    login"),
    "/admin/center/workqueue/<path:object_id>/":           row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:reservations_reservationschedule_changelist":   row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:reservations_reservationschedule_add":          row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:reservations_reservationschedule_history":      row("GET",  "login login login login login  login login login  403   ok    login"),
    "admin:reservations_reservationschedule_delete":       row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:reservations_reservationschedule_change":       row("GET",  "login login login login login  login login login  403   ok    login"),
    "/admin/reservations/reservationschedule/<path:object_id>/": row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:auth_group_changelist":                         row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:auth_group_add":                                row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:auth_group_history":                            row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:auth_group_delete":                             row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:auth_group_change":                             row("GET",  "login login login login login  login login login  403   403   login"),
    "/admin/auth/group/<path:object_id>/":                 row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:axes_accessattempt_changelist":                 row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:axes_accessattempt_add":                        row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:axes_accessattempt_history":                    row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:axes_accessattempt_delete":                     row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:axes_accessattempt_change":                     row("GET",  "login login login login login  login login login  403   403   login"),
    "/admin/axes/accessattempt/<path:object_id>/":         row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:axes_accesslog_changelist":                     row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:axes_accesslog_add":                            row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:axes_accesslog_history":                        row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:axes_accesslog_delete":                         row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:axes_accesslog_change":                         row("GET",  "login login login login login  login login login  403   403   login"),
    "/admin/axes/accesslog/<path:object_id>/":             row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:axes_accessfailurelog_changelist":              row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:axes_accessfailurelog_add":                     row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:axes_accessfailurelog_history":                 row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:axes_accessfailurelog_delete":                  row("GET",  "login login login login login  login login login  403   403   login"),
    "admin:axes_accessfailurelog_change":                  row("GET",  "login login login login login  login login login  403   403   login"),
    "/admin/axes/accessfailurelog/<path:object_id>/":      row("GET",  "login login login login login  login login login  ok    ok    login"),
    "admin:app_list":                                      row("GET",  "login login login login login  login login login  404   ok    login"),
    "/admin/(?P<url>.*)$":                                 row("GET",  "login login login login login  login login login  404   404   login"),
}
# fmt: on


# --- walking the URLconf


@dataclass(frozen=True)
class Route:
    key: str  # the route's name with its namespaces, or "/" + its pattern when it has none
    pattern: str  # the full pattern, converters included: "cases/<uuid:case_id>/"


def routes() -> list[Route]:
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                pattern = prefix + str(entry.pattern)
                key = f"{namespace}{entry.name}" if entry.name else f"/{pattern}"
                found.append(Route(key, pattern))

    walk(get_resolver(), "", "")
    return found


# --- the demo city and one of each record the URLs take


@dataclass
class World:
    values: dict[str, Any]  # path parameter → value
    per_route: dict[str, dict[str, Any]]  # route key → parameters that differ from `values`
    clients: dict[str, Client]
    cookies: dict[str, str]  # column → the client's cookies as signed in


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    witness = tmp_path_factory.mktemp("witness") / "audit-witness.log"
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast, MADOGUCHI_AUDIT_WITNESS=str(witness)),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


def build_world() -> World:
    from madoguchi.audit.chain import SystemActor
    from madoguchi.cases.actions import do_create_case
    from madoguchi.cases.models import Case
    from madoguchi.catalog.models import Procedure
    from madoguchi.center.models import WorkItem, WorkQueue
    from madoguchi.demo.cases import make_submitted_case
    from madoguchi.demo.city import load_demo_city
    from madoguchi.organization.models import Counter, Office, Queue
    from madoguchi.reception.actions import do_create_kiosk_token, do_issue_ticket
    from madoguchi.reception.models import Ticket
    from madoguchi.remote.actions import do_accept, do_request
    from madoguchi.reservations.actions import Resident, available_slots, do_book, open_days
    from madoguchi.reservations.models import Reservation, ReservationSchedule
    from madoguchi.simulation.actions import do_start_run
    from madoguchi.staff.actions import do_create_api_token, do_create_staff
    from madoguchi.staff.models import Staff
    from madoguchi.tasks.models import Task

    load_demo_city()
    system = SystemActor("authorization matrix")
    staff = {s.username: s for s in Staff.objects.select_related("office")}
    kita = Office.objects.get(code="kita")
    staff[OTHER_OFFICE_CLERK] = do_create_staff(
        system,
        username=OTHER_OFFICE_CLERK,
        last_name="北",
        first_name="一郎",
        role="onestop_clerk",
        office=kita,
        password="matrix-password-2026",
    )
    clerk = staff["clerk"]
    case = make_submitted_case(clerk)
    person = case.people.first()
    item = WorkItem.objects.first()  # the submitted case's first procedure at the center
    one_stop = Queue.objects.get(office=clerk.office, code="one-stop")
    ticket = do_issue_ticket(staff["concierge"], queue=one_stop, channel=Ticket.Channel.COUNTER)
    api_token, _secret = do_create_api_token(system, clerk, name="matrix")
    day = next(d.day for d in open_days(one_stop) if available_slots(one_stop, d.day))
    slot = available_slots(one_stop, day)[0]
    reservation = do_book(
        Resident(one_stop.office.code),
        queue=one_stop,
        day=day,
        start=slot.start,
        name_kana="ミナト　ハナコ",
        phone="090-1234-5678",
        channel=Reservation.Channel.RESIDENT,
    )
    run = do_start_run(staff["manager"], kind="year", office="kita", raw={"seed": "1", "visits": "2000"})
    counter = Counter.objects.filter(office=clerk.office, queue=one_stop).first()
    task = Task.objects.first()

    objects = {
        "staff_apitoken": api_token,
        "reception_kiosktoken": do_create_kiosk_token(system, office=clerk.office)[0],
        "tasks_task": task,
        "organization_office": clerk.office,
        "organization_department": clerk.department or staff["department"].department,
        "organization_queue": one_stop,
        "organization_counter": counter,
        "catalog_procedure": Procedure.objects.order_by("pk").first(),
        "center_workqueue": WorkQueue.objects.first(),
        "reservations_reservationschedule": ReservationSchedule.objects.first(),
        "auth_group": None,
        "axes_accessattempt": None,
        "axes_accesslog": None,
        "axes_accessfailurelog": None,
    }
    branch_case = do_create_case(
        staff["branch"], office=staff["branch"].office, event="tennyu", event_date=case.event_date
    )
    consultation = do_request(staff["branch"], branch_case, skill="kokuho_nenkin")
    do_accept(staff["department"], consultation.pk)
    values: dict[str, Any] = {
        "case_id": case.pk,
        "consultation_id": consultation.pk,
        "capture_id": uuid.uuid4(),  # none: not found
        "person_id": person.pk if person else None,
        "item_id": item.pk if item else None,
        "version": 1,
        "export_id": 1,
        "run_id": run.pk,
        "number": 1,
        "code": "kokuho-kanyu",
        "event": "tennyu",
        "role": "manager",
        "pk": clerk.pk,
        "token": ticket.status_token,
        "office_code": "chuo",
        "ticket_id": ticket.pk,
        "counter_id": counter.pk if counter else 1,
        "reservation_id": reservation.pk,
        "step": "serve",
        "content_type_id": ContentType.objects.get_for_model(Case).pk,
        "object_id": case.pk,
        "read_id": uuid.uuid4(),  # another manager's read, or none: not found
        "visit_id": uuid.uuid4(),  # an imported preparation: none, so not found
        "point_code": "store-minatomachi",
        "suspension_id": 1,  # none: the manager is told it is already lifted
    }
    per_route: dict[str, dict[str, Any]] = {
        "reservations:manage": {"token": reservation.manage_token},
        "reservations:manage-cancel": {"token": reservation.manage_token},
        "cases:transition": {"action": "reopen"},
        "center:action": {"action": "release"},
        "reception:counter-action": {"action": "close"},
        "reservations:action": {"action": "cancel"},
    }
    for model, record in objects.items():
        object_id = record.pk if record is not None else 1
        for suffix in ("history", "delete", "change"):
            per_route[f"admin:{model}_{suffix}"] = {"object_id": object_id}
        per_route[f"/admin/{model.replace('_', '/', 1)}/<path:object_id>/"] = {"object_id": object_id}
    clients = {"anonymous": Client()}
    for column in COLUMNS[1:]:
        client = Client()
        client.force_login(staff[column])
        clients[column] = client
    cookies = {column: client.cookies.output(header="", sep=";") for column, client in clients.items()}
    return World(values, per_route, clients, cookies)


# --- asking


REGEX_URLS = {
    "admin:app_list": "/admin/organization/",
    "/admin/(?P<url>.*)$": "/admin/no-such-page/",
    "set_language": "/i18n/setlang/",
}
_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def url_of(route: Route, world: World) -> str:
    if route.key in REGEX_URLS:
        return REGEX_URLS[route.key]
    values = world.values | world.per_route.get(route.key, {})

    def fill(match: re.Match[str]) -> str:
        return str(values[match["name"]])

    return "/" + _CONVERTER.sub(fill, route.pattern)


# A cell this test cannot ask: the event streams are async views that read on another database connection,
# which cannot see this module's uncommitted demo city.
NOT_EXERCISED = "-"
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")


def answer(client: Client, method: str, url: str) -> str:
    with transaction.atomic():
        try:
            response = client.post(url) if method == "POST" else client.get(url)
        except Exception as error:
            transaction.set_rollback(True)
            return f"500({type(error).__name__}: {error})"
        transaction.set_rollback(True)
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response["Location"]
        return "login" if location.split("?")[0].endswith(LOGIN_PATHS) else "ok"
    if 200 <= status < 300:
        return "ok"
    return str(status)


def answers(route: Route, method: str, world: World, expected: tuple[str, ...] = ()) -> tuple[str, ...]:
    url = url_of(route, world)
    got = []
    for index, column in enumerate(COLUMNS):
        if expected and expected[index] == NOT_EXERCISED:
            got.append(NOT_EXERCISED)
            continue
        client = world.clients[column]
        # Signing out (or in) replaces the client's session cookie; the rolled-back savepoint restored
        # the session row, so give the client its cookie back.
        client.cookies = SimpleCookie(world.cookies[column])
        got.append(answer(client, method, url))
    return tuple(got)


def as_row(key: str, method: str, cells: tuple[str, ...]) -> str:
    return f'    "{key}": row("{method}", "{" ".join(cells)}"),'


ROUTES = routes()


def test_every_route_has_a_row() -> None:
    keys = {route.key for route in ROUTES}
    missing = [route.key for route in ROUTES if route.key not in MATRIX]
    gone = sorted(set(MATRIX) - keys)
    assert not missing, (
        f"{len(missing)} routes have no row in MATRIX (tests/test_authorization_matrix.py): "
        + ", ".join(missing)
        + ". Add a row for each: who may reach it, in the order of COLUMNS."
    )
    assert not gone, f"MATRIX has rows for routes that no longer exist: {', '.join(gone)}"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.key in MATRIX], ids=lambda r: r.key)
def test_each_role_gets_the_expected_answer(route: Route, world: World) -> None:
    method, expected = MATRIX[route.key]
    got = answers(route, method, world, expected)
    wrong = [f"{c}: expected {e}, got {g}" for c, e, g in zip(COLUMNS, expected, got, strict=True) if e != g]
    assert not wrong, (
        f"{method} {url_of(route, world)}\n"
        + "\n".join(wrong)
        + "\nobserved:\n"
        + as_row(route.key, method, got)
    )


def test_the_matrix_covers_every_url_for_every_role() -> None:
    asked = sum(cell != NOT_EXERCISED for _method, cells in MATRIX.values() for cell in cells)
    print(
        f"authorization matrix: {len(MATRIX)} routes × {len(COLUMNS)} columns, {asked} answers asked "
        f"({len(MATRIX) * len(COLUMNS) - asked} cells of event streams not asked here)"
    )
    assert len(MATRIX) == len(ROUTES)
    assert asked > 0.95 * len(MATRIX) * len(COLUMNS)


# What a ward office keeps to itself: a one-stop clerk of another ward (kita) with the same role as the
# demo clerk (chuo) must be refused the chuo case, its documents, its ticket and its reservation.
OTHER_OFFICE_RECORDS = [
    "cases:detail",
    "cases:ready",
    "cases:bundle",
    "cases:bundle-my-numbers",
    "cases:receipt",
    "cases:interview",
    "cases:transition",
    "cases:reveal",
    "center:item",
    "reception:ticket",
    "reservations:action",
]


@pytest.mark.parametrize("key", OTHER_OFFICE_RECORDS)
def test_another_office_is_refused_what_the_clerk_may_open(key: str) -> None:
    _method, cells = MATRIX[key]
    clerk, other = cells[COLUMNS.index("clerk")], cells[COLUMNS.index(OTHER_OFFICE_CLERK)]
    assert clerk in {"ok", "400"}, f"{key}: the chuo clerk should reach it, the table says {clerk}"
    assert other in {"403", "404"}, f"{key}: a kita clerk must be refused, the table says {other}"
