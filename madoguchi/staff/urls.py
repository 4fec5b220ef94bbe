from django.contrib.auth import views as auth_views
from django.urls import path

from madoguchi.staff import views

app_name = "staff"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/login/code/", views.login_code, name="login-code"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.password_change, name="password-change"),
    path("home/", views.home, name="home"),
    path("home/<slug:role>/", views.role_home, name="role-home"),
    path("staff/2fa/", views.second_factor_page, name="second-factor"),
    path("staff/2fa/remove/", views.second_factor_remove, name="second-factor-remove"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/new/", views.staff_create, name="staff-create"),
    path("staff/<int:pk>/", views.staff_edit, name="staff-edit"),
    path("staff/<int:pk>/active/", views.staff_set_active, name="staff-set-active"),
    path("staff/<int:pk>/password/", views.staff_reset_password, name="staff-reset-password"),
    path("staff/<int:pk>/2fa/remove/", views.staff_remove_second_factor, name="staff-remove-second-factor"),
]
