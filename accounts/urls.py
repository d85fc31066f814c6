from django.urls import path

from accounts.views import account, project_keys, users

urlpatterns = [
    path("account/", account.account, name="account"),
    path("account/password/", account.PasswordChangeView.as_view(), name="password-change"),
    path("account/api-keys/<int:key_id>/revoke/", account.api_key_revoke_own, name="api-key-revoke"),
    path("set-password/<uidb64>/<token>/", account.PasswordSetView.as_view(), name="password-set"),
    path("users/", users.user_list, name="user-list"),
    path("users/<int:user_id>/", users.user_update, name="user-update"),
    path("users/<int:user_id>/reset-password/", users.user_password_reset, name="user-password-reset"),
    path("projects/<str:project_name>/api-keys/", project_keys.project_api_keys, name="project-api-keys"),
    path(
        "projects/<str:project_name>/api-keys/<int:key_id>/revoke/",
        project_keys.project_api_key_revoke,
        name="project-api-key-revoke",
    ),
]
