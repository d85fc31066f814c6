"""Sign-in throttling: failed sign-ins lock an account and an address for a while, and password checks are
bounded, so guessing is slow and a burst of sign-ins cannot starve the runtime of CPU.

django-axes records each failure (`AccessAttempt`: account, address, last failure, count) and its backend,
first in `AUTHENTICATION_BACKENDS`, refuses a locked-out sign-in before any password is hashed. The studio's rule
sits on top (the limits are in `studio.limits`): an account and an address each have their own limit, a lockout
says when it ends, and a successful sign-in clears its account's failures.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from studio import limits
from studio.exceptions import ApplicationError


@dataclass(frozen=True)
class Lockout:
    """Sign-ins for an account (`scope="account"`) or from an address (`"address"`) are refused until `until`."""

    scope: str
    until: datetime

    def message(self, now: datetime) -> str:
        minutes = max(1, math.ceil((self.until - now).total_seconds() / 60))
        wait = "a minute" if minutes == 1 else f"{minutes} minutes"
        where = "for this account" if self.scope == "account" else "from your network address"
        return f"Too many failed sign-ins {where}. Try again in {wait}."


def _locked_until(attempts: list[tuple[datetime, int]], limit: int, cool_off: timedelta) -> datetime | None:
    """When the failures stop adding up to `limit`: each (last failure, count) record counts until its
    last failure is `cool_off` old, so the lock ends with the record that brings the newest ones to the limit."""
    total = 0
    for last_failure, failures in sorted(attempts, reverse=True):
        total += failures
        if total >= limit:
            return last_failure + cool_off
    return None


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler with the studio's two limits (`AXES_HANDLER`).

    axes' own check compares one count with one limit, so it is off (`AXES_LOCK_OUT_AT_FAILURE = False`) and
    `is_locked` and `user_login_failed` apply `lockout` instead.
    """

    def lockout(self, request: HttpRequest, credentials: dict | None = None) -> Lockout | None:
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        by_account = Q(username=username) if username else Q(pk__in=[])
        rows = list(
            AccessAttempt.objects.filter(
                by_account | Q(ip_address=address), attempt_time__gte=get_cool_off_threshold(request)
            ).values_list("username", "ip_address", "attempt_time", "failures_since_start")
        )
        account = [(last, count) for user, _, last, count in rows if username and user == username]
        from_address = [(last, count) for _, ip, last, count in rows if ip == address]
        cool_off = get_cool_off(request)
        for scope, attempts, limit in (
            ("account", account, limits.LOGIN_FAILURES_PER_ACCOUNT),
            ("address", from_address, limits.LOGIN_FAILURES_PER_ADDRESS),
        ):
            until = _locked_until(attempts, limit, cool_off)
            if until is not None:
                return Lockout(scope, until)
        return None

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        return self.lockout(request, credentials) is not None

    def user_login_failed(self, sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)  # records the failure
        if request is None or request.axes_locked_out or self.is_whitelisted(request, credentials):
            return
        if self.is_locked(request, credentials):  # this failure reached a limit: say so on this very answer
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """A successful sign-in clears its account's failures, not its address's: signing in to one's own
        account must not buy more guesses at other accounts."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def lockout_of(request: HttpRequest, credentials: dict | None = None) -> Lockout:
    """The lockout that refused this sign-in (the full cool-off if it has just ended)."""
    lockout = LoginThrottleHandler().lockout(request, credentials)
    if lockout is None:
        lockout = Lockout("account", request.axes_attempt_time + get_cool_off(request))
    return lockout


def client_address(request: HttpRequest) -> str | None:
    """The client's address (`AXES_CLIENT_IP_CALLABLE`): `REMOTE_ADDR`, or behind `STUDIO_PROXY_COUNT` trusted
    proxies the address the outermost of them saw (each appends to `X-Forwarded-For`, so earlier entries could
    have been made up by the client)."""
    proxies = settings.STUDIO_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class LockoutBackend(AxesStandaloneBackend):
    """First in `AUTHENTICATION_BACKENDS`: refuses a locked-out sign-in before any password is hashed."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs
    ):
        if request is None:
            # Not a sign-in over HTTP (a shell, a test client's `login`): there is no address to count by.
            return None
        return super().authenticate(request, username, password, **kwargs)


class PasswordChecksBusy(ApplicationError):
    code = "TooManyRequests"
    status = 429


_password_checks = threading.BoundedSemaphore(limits.LOGIN_PASSWORD_CHECKS_AT_ONCE)


class BoundedPasswordBackend(ModelBackend):
    """Django's username and password check, at most `LOGIN_PASSWORD_CHECKS_AT_ONCE` at a time in a process.

    A sign-in that cannot start its check within `LOGIN_PASSWORD_CHECK_WAIT` is refused as busy (and is not
    counted as a failure): waiting longer would hold one of the server's threads that runtime calls need.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs
    ):
        if not _password_checks.acquire(timeout=limits.LOGIN_PASSWORD_CHECK_WAIT.total_seconds()):
            raise PasswordChecksBusy("The studio is busy checking other sign-ins. Try again in a few seconds.")
        try:
            return super().authenticate(request, username, password, **kwargs)
        finally:
            _password_checks.release()
