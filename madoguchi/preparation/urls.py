from django.urls import path

from madoguchi.preparation import phone

app_name = "prepare"

urlpatterns = [
    path("", phone.prepare, name="start"),
    path("code.png", phone.code_png, name="code-png"),
]
