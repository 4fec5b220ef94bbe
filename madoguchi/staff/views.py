"""Sign-in, home screens, password change and staff management. Views parse, check, call one action."""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madoguchi.staff import second_factor
from madoguchi.staff.actions import (
    do_change_own_password,
    do_create_staff,
    do_enrol_second_factor,
    do_record_code_failed,
    do_remove_second_factor,
    do_reset_password,
    do_set_staff_active,
    do_update_staff,
)
from madoguchi.staff.forms import (
    CodeForm,
    DeactivateForm,
    LoginForm,
    OwnPasswordForm,
    PasswordResetForm,
    SecondFactorRemoveForm,
    StaffForm,
)
from madoguchi.staff.home import home_context
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import require, staff_for
from madoguchi.staff.roles import MANAGE_STAFF, Role


class LoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        """The password was right. Whoever has a second factor is not signed in yet: the code step is."""
        staff = form.get_user()
        if second_factor.confirmed_device(staff) is None:
            return super().form_valid(form)
        second_factor.start_pending(self.request.session, staff, next_url=self.get_success_url())
        return redirect("staff:login-code")


def _wrong_code() -> str:
    return _("確認コードが正しくありません。認証アプリの最新の数字を入力してください。")


def _safe_next(request: HttpRequest, url: str) -> str:
    allowed = url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure())
    # a path of this site only: redirect() would read a bare word ("abc") as a view name
    return url if url.startswith("/") and allowed else reverse("staff:home")


def login_code(request: HttpRequest) -> HttpResponse:
    """The second sign-in step: the code of the authenticator app. Also verifies a session signed in
    before its user enrolled, when an admin area asks for it (SecondFactorMiddleware)."""
    user = request.user
    if isinstance(user, Staff) and user.is_authenticated:
        staff, backend, next_url = user, None, request.GET.get("next", "")
        if user.is_verified():  # type: ignore[attr-defined]
            return redirect(_safe_next(request, next_url))
    else:
        waiting = second_factor.pending(request.session)
        if waiting is None:
            second_factor.clear_pending(request.session)
            messages.error(request, _("もう一度ログインしてください。"))
            return redirect("staff:login")
        staff, backend, next_url = waiting.staff, waiting.backend, waiting.next_url
    device = second_factor.confirmed_device(staff)
    if device is None:  # removed meanwhile: the password step alone signs in now, so ask for it again
        second_factor.clear_pending(request.session)
        return redirect("staff:login" if backend else _safe_next(request, next_url))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        allowed, throttle = device.verify_is_allowed()
        if not allowed:
            wait = max(1, int(((throttle or {})["locked_until"] - timezone.now()).total_seconds()) + 1)
            form.add_error(
                "code",
                _("確認コードを続けて間違えたため、%(seconds)s 秒たってから入力してください。")
                % {"seconds": wait},
            )
            status = 429
        elif device.verify_token(form.cleaned_data["code"]):
            second_factor.clear_pending(request.session)
            if backend is not None:
                auth_login(request, staff, backend=backend)  # a new session key, signed in
            else:
                request.session.cycle_key()
            django_otp.login(request, device)
            return redirect(_safe_next(request, next_url))
        else:
            do_record_code_failed(staff)
            form.add_error(
                "code", _("確認コードが正しくありません。認証アプリの最新の数字を入力してください。")
            )
    if form.errors and status == 200:
        status = 400
    return render(request, "staff/login_code.html", {"form": form}, status=status)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own home screen."""
    staff = staff_for(request)
    if staff.role not in Role.values:
        raise PermissionDenied(_("役割が設定されていません。システム管理者に連絡してください。"))
    return redirect("staff:role-home", role=staff.role)


@login_required
def role_home(request: HttpRequest, role: str) -> HttpResponse:
    staff = staff_for(request)
    if role not in Role.values:
        raise Http404
    if staff.role != role:
        raise PermissionDenied(_("この画面は別の役割のホームです。"))
    return render(request, f"staff/home/{role}.html", home_context(staff))


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    staff = staff_for(request)
    form = OwnPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_change_own_password(
                staff,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            update_session_auth_hash(request, staff)
            messages.success(request, _("パスワードを変更しました。"))
            return redirect("staff:home")
    return render(request, "staff/password_change.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    require(staff_for(request), MANAGE_STAFF)
    members = Staff.objects.select_related("office", "department").order_by(
        "-is_active", "office__sort_order", "username"
    )
    return render(request, "staff/staff_list.html", {"members": members})


@login_required
def staff_create(request: HttpRequest) -> HttpResponse:
    actor = staff_for(request)
    require(actor, MANAGE_STAFF)
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = do_create_staff(actor, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("職員アカウント「%(name)s」を作成しました。") % {"name": created.username}
            )
            return redirect("staff:staff-list")
    return render(
        request, "staff/staff_form.html", {"form": form, "creating": True}, status=400 if form.errors else 200
    )


@login_required
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = staff_for(request)
    require(actor, MANAGE_STAFF)
    member = get_object_or_404(Staff, pk=pk)
    initial = {
        "username": member.username,
        "last_name": member.last_name,
        "first_name": member.first_name,
        "email": member.email,
        "role": member.role,
        "office": member.office,
        "department": member.department,
    }
    form = StaffForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "username"}
        try:
            do_update_staff(actor, member, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("「%(name)s」を更新しました。") % {"name": member.username})
            return redirect("staff:staff-list")
    context = {
        "form": form,
        "member": member,
        "creating": False,
        "deactivate_form": DeactivateForm(),
        "password_form": PasswordResetForm(),
        "has_second_factor": second_factor.confirmed_device(member) is not None,
        "second_factor_form": DeactivateForm(prefix="second_factor"),
    }
    return render(request, "staff/staff_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def staff_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    actor = staff_for(request)
    require(actor, MANAGE_STAFF)
    member = get_object_or_404(Staff, pk=pk)
    active = request.POST.get("active") == "1"
    form = DeactivateForm(request.POST)
    if form.is_valid():
        try:
            do_set_staff_active(actor, member, active=active, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("staff:staff-edit", args=[member.pk]), status=303)
        if active:
            messages.success(request, _("「%(name)s」を有効にしました。") % {"name": member.username})
        else:
            messages.success(request, _("「%(name)s」を無効にしました。") % {"name": member.username})
        return redirect("staff:staff-list")
    messages.error(request, _("理由を入力してください。"))
    return HttpResponseRedirect(reverse("staff:staff-edit", args=[member.pk]), status=303)


@login_required
@require_POST
def staff_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    actor = staff_for(request)
    require(actor, MANAGE_STAFF)
    member = get_object_or_404(Staff, pk=pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            do_reset_password(actor, member, password=form.cleaned_data["password"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("「%(name)s」のパスワードを再設定しました。") % {"name": member.username}
            )
            return redirect("staff:staff-list")
    else:
        messages.error(request, _("新しいパスワードを入力してください。"))
    return HttpResponseRedirect(reverse("staff:staff-edit", args=[member.pk]), status=303)


@login_required
def second_factor_page(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (scan the QR code, confirm with a first code), or see that one is."""
    staff = staff_for(request)
    device = second_factor.confirmed_device(staff)
    if device is not None:
        context = {"device": device, "remove_form": SecondFactorRemoveForm()}
        return render(request, "staff/second_factor.html", context)
    key = second_factor.enrolment_key(request.session)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = second_factor.check_enrolment_code(key, form.cleaned_data["code"])
        if step is None:
            form.add_error(
                "code", _("確認コードが正しくありません。認証アプリの最新の数字を入力してください。")
            )
        else:
            device = do_enrol_second_factor(staff, hex_key=key, last_t=step)
            request.session.pop(second_factor.ENROL_KEY, None)
            request.session.cycle_key()
            django_otp.login(request, device)  # the code just typed verifies this session
            messages.success(
                request, _("2段階認証を登録しました。次回から、ログインのときに確認コードを入力します。")
            )
            return redirect(_safe_next(request, request.GET.get("next", "")))
    context = {
        "form": form,
        "required": second_factor.must_enrol(staff),
        "qr_svg": second_factor.qr_svg(second_factor.provisioning_uri(key, staff.username)),
        "secret": second_factor.base32_secret(key),
    }
    return render(request, "staff/second_factor.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def second_factor_remove(request: HttpRequest) -> HttpResponse:
    """Remove one's own authenticator, with a current code from it."""
    staff = staff_for(request)
    device = second_factor.confirmed_device(staff)
    if device is None:
        return redirect("staff:second-factor")
    form = SecondFactorRemoveForm(request.POST)
    if form.is_valid():
        allowed, _throttle = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["code"]):
            do_remove_second_factor(staff, staff)
            request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
            messages.success(request, _("2段階認証を解除しました。"))
            return redirect("staff:second-factor")
        if allowed:
            do_record_code_failed(staff)
        form.add_error("code", _wrong_code())
    context = {"device": device, "remove_form": form}
    return render(request, "staff/second_factor.html", context, status=400)


@login_required
@require_POST
def staff_remove_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator removes a staff member's authenticator (a lost phone), with the reason."""
    actor = staff_for(request)
    require(actor, MANAGE_STAFF)
    member = get_object_or_404(Staff, pk=pk)
    form = DeactivateForm(request.POST, prefix="second_factor")
    if form.is_valid():
        do_remove_second_factor(actor, member, reason=form.cleaned_data["reason"])
        messages.success(request, _("「%(name)s」の2段階認証を解除しました。") % {"name": member.username})
        return redirect("staff:staff-list")
    messages.error(request, _("理由を入力してください。"))
    return HttpResponseRedirect(reverse("staff:staff-edit", args=[member.pk]), status=303)
