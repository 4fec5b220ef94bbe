"""Sign-in, home screens, password change and staff management. Views parse, check, call one action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madoguchi.staff.actions import (
    do_change_own_password,
    do_create_staff,
    do_reset_password,
    do_set_staff_active,
    do_update_staff,
)
from madoguchi.staff.forms import DeactivateForm, LoginForm, OwnPasswordForm, PasswordResetForm, StaffForm
from madoguchi.staff.home import home_context
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import require, staff_for
from madoguchi.staff.roles import MANAGE_STAFF, Role


class LoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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
