from django.urls import path

from . import views

urlpatterns = [
    path("2fa/", views.verify, name="account_verify"),
    path("2fa/setup/", views.enrol, name="account_enrol"),
    path("security/", views.security, name="account_security"),
    path("security/recovery-codes/", views.recovery_codes, name="account_recovery_codes"),
    path("security/disable-2fa/", views.disable, name="account_disable_2fa"),
    path("password/", views.PasswordChangeView.as_view(), name="account_password"),
    path("export/", views.export, name="account_export"),
]

# Inside a municipality (/k/<code>/): the admin's actions on a member.
tenant_urlpatterns = [
    path("members/<int:pk>/reset-2fa/", views.member_reset_2fa, name="member_reset_2fa"),
    path("members/<int:pk>/erase/", views.member_erase, name="member_erase"),
]
