"""Error pages in Japanese (English on request), with the site's header and navigation."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from madoguchi.ui.inputs import BadInput


def _error(request: HttpRequest, status: int, heading: str, detail: str) -> HttpResponse:
    return render(request, "ui/error.html", {"heading": heading, "detail": detail}, status=status)


def busy(request: HttpRequest) -> HttpResponse:
    """The database stayed busy after every retry (madoguchi/transactions): nothing was saved."""
    detail = _("ただいま混み合っています。何も保存されていません。数秒後にもう一度お試しください。")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=503, json_dumps_params={"ensure_ascii": False})
    return _error(request, 503, _("混み合っています"), detail)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, _("要求を処理できません"), _("入力内容を確認して、もう一度お試しください。"))


def bad_input(request: HttpRequest, error: BadInput) -> HttpResponse:
    """Input refused by the input layer (ui/inputs.py): 400 (413 when too large), naming the field."""
    if request.path.startswith("/api/"):
        body = {"errors": [{"path": error.field, "field": error.field, "message": error.message}]}
        return JsonResponse(body, status=error.status, json_dumps_params={"ensure_ascii": False})
    detail = _("「%(field)s」：%(message)s") % {"field": error.field, "message": error.message}
    return _error(request, error.status, _("入力内容を確認してください"), detail)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    detail = (
        str(exception) if exception is not None and str(exception) else _("この画面を開く権限がありません。")
    )
    return _error(request, 403, _("権限がありません"), detail)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):  # a program reads it: the API's error list, never an HTML page
        return JsonResponse(
            {
                "errors": [
                    {"path": "", "message": _("この URL の API はありません。アドレスを確認してください。")}
                ]
            },
            status=404,
            json_dumps_params={"ensure_ascii": False},
        )
    return _error(request, 404, _("ページが見つかりません"), _("アドレスが正しいか確認してください。"))
