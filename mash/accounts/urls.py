from django.urls import path

from mash.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("sign-in/set-up/", views.set_up, name="set-up"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("account/security/", views.account_security, name="security"),
    path("account/password/", views.change_password, name="password"),
    path("account/session/", views.session_status, name="session"),
    path("account/resume/", views.resume, name="resume"),
    # Matched before the admin's own URLs (config/urls.py includes these first).
    path("system-admin/login/", views.admin_sign_in, name="admin-sign-in"),
]
