"""Studio users, as administrators manage them: create (with a one-time set-password link), grant project creation
and administration, deactivate, reset passwords. No email is sent (the studio runs offline): the page shows the
link once, for the administrator to pass on."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from studio.exceptions import Conflict, InvalidInput

CREATE_PROJECTS_PERMISSION = ("projects", "add_project")


def _create_projects_permission() -> Permission:
    app_label, codename = CREATE_PROJECTS_PERMISSION
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def user_create(*, username: str, is_admin: bool = False, may_create_projects: bool = False):
    """Creates an account with no usable password: its user sets one through `password_set_path`."""
    username = (username or "").strip()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise InvalidInput(
            "A username is up to 150 letters, digits and @ . + - _ characters, with no spaces.", target="username"
        ) from None
    if len(username) > 150:
        raise InvalidInput("A username is at most 150 characters.", target="username")
    users = get_user_model()
    taken = Conflict(f"There is already a user named '{username}'.", target="username")
    if users.objects.filter(username__iexact=username).exists():  # the constraint alone would let "Ann" join "ann"
        raise taken
    user = users(username=username, is_superuser=is_admin, is_staff=is_admin)
    user.set_unusable_password()
    try:
        with transaction.atomic():  # a savepoint: the same name created meanwhile is the same conflict
            user.save()
    except IntegrityError:
        raise taken from None
    if may_create_projects:
        user.user_permissions.add(_create_projects_permission())
    return user


@transaction.atomic
def user_access_set(*, acting, user, is_admin: bool, may_create_projects: bool, is_active: bool):
    """Sets what `user` may do studio-wide. Administrators cannot demote or deactivate themselves, so the studio
    always keeps one who can undo a change."""
    if user.pk == acting.pk and (not is_admin or not is_active):
        raise InvalidInput("You cannot remove your own administrator rights or deactivate your own account.")
    user.is_superuser = user.is_staff = is_admin
    user.is_active = is_active
    user.save(update_fields=["is_superuser", "is_staff", "is_active"])
    permission = _create_projects_permission()
    if may_create_projects:
        user.user_permissions.add(permission)
    else:
        user.user_permissions.remove(permission)
    return user


@transaction.atomic
def user_password_reset(*, acting, user) -> None:
    """The user's password stops working (their sessions end); they choose a new one through
    `password_set_path`. Administrators change their own password instead: a reset would end the session that was
    to show them the link, leaving them with no password and no link."""
    if user.pk == acting.pk:
        raise InvalidInput("Change your own password on your Account page; a reset would sign you out for good.")
    user.set_unusable_password()
    user.save(update_fields=["password"])


def password_set_path(*, user) -> str:
    """The one-time link (path) where `user` chooses a password: Django's reset token, which stops working once the
    password changes or after `PASSWORD_RESET_TIMEOUT`."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password-set", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})
