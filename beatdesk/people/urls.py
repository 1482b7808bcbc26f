from django.urls import path

from beatdesk.people import security_views, sso, views

app_name = "people"
urlpatterns = [
    path("", views.desk_home, name="desk-home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", security_views.login_verify, name="login-verify"),
    path(
        "login/verify/passkey/options/",
        security_views.login_passkey_options,
        name="login-passkey-options",
    ),
    path("login/verify/passkey/", security_views.login_passkey, name="login-passkey"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("reauth/", security_views.reauth, name="reauth"),
    path("security/", security_views.security_home, name="security"),
    path("security/two-factor/", security_views.two_factor_enrol, name="two-factor-enrol"),
    path(
        "security/two-factor/remove/",
        security_views.two_factor_remove,
        name="two-factor-remove",
    ),
    path("security/passkeys/add/", security_views.passkey_add, name="passkey-add"),
    path(
        "security/passkeys/add/options/",
        security_views.passkey_add_options,
        name="passkey-add-options",
    ),
    path(
        "security/passkeys/<int:passkey_id>/remove/",
        security_views.passkey_remove,
        name="passkey-remove",
    ),
    path("security/api-tokens/new/", security_views.api_token_new, name="api-token-new"),
    path(
        "security/api-tokens/<int:token_id>/revoke/",
        security_views.api_token_revoke,
        name="api-token-revoke",
    ),
    path("security/recovery-codes/", security_views.recovery_codes_new, name="recovery-codes"),
    path("staff/", security_views.staff_list, name="staff"),
    path("staff/<int:officer_id>/", security_views.staff_change, name="staff-change"),
    path("sso/start/", sso.sso_start, name="sso-start"),
    path("sso/callback/", sso.sso_callback, name="sso-callback"),
]
