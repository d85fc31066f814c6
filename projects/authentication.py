"""API authentication: Azure's subscription-key header, and the browser's session.

Kept apart from `studio.api` because DRF imports these classes while it loads its own views.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone
from rest_framework import exceptions as drf_exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.request import Request

KEY_HEADER = "Ocp-Apim-Subscription-Key"
# Where the key a request came with is kept, on that request's user object (read by `projects.permissions`).
API_KEY_ATTRIBUTE = "studio_api_key"
# How precisely a key's last use is recorded: at most one write per key per minute, however often it is used.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(raw_key: str) -> str:
    """Keys are stored only as this hash."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKeyAuthentication(BaseAuthentication):
    """`Ocp-Apim-Subscription-Key: <key>` acts as the key's user, as Azure's SDKs send it."""

    def authenticate(self, request: Request):
        raw = request.headers.get(KEY_HEADER)
        if raw is None:
            return None
        from projects.models import ApiKey

        key = (
            ApiKey.objects.select_related("user")
            .filter(key_hash=hash_key(raw.strip()), revoked_at__isnull=True)
            .first()
        )
        if key is None or not key.user.is_active:
            raise drf_exceptions.AuthenticationFailed(
                "Access denied due to invalid subscription key. Make sure to provide a valid key."
            )
        # Every permission check of this request sees the key through its user (`projects.permissions`).
        key.project_ids = frozenset(key.projects.values_list("pk", flat=True)) if key.scoped else frozenset()
        setattr(key.user, API_KEY_ATTRIBUTE, key)
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
            # The one write a read may cause, and at most once per key per resolution: a service polling a
            # job does not turn every GET into a write.
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return key.user, key

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) when no credentials came.
        return KEY_HEADER


class CsrfSessionAuthentication(SessionAuthentication):
    """The browser's session, CSRF-checked as DRF does."""
