"""Sign-in throttling: failed sign-ins lock an account (and, with a higher limit, an address) for a cool-off,
the lock is checked before any password is hashed, the page says how long to wait, and API keys are unaffected."""

from __future__ import annotations

import threading
from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.test import Client

from projects import login_throttle
from projects.services.api_keys import api_key_create
from studio import limits
from tests.conftest import AzureClient

PASSWORD = "pw-secret-123"  # make_user's
ADDRESS = "203.0.113.7"


def sign_in(username: str, password: str, *, address: str = ADDRESS, client: Client | None = None):
    client = client or Client(REMOTE_ADDR=address)
    return client.post("/login/", {"username": username, "password": password}), client


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(username: str, times: int, *, address: str = ADDRESS) -> None:
    for _ in range(times):
        sign_in(username, "wrong-password", address=address)


def let_the_cool_off_pass() -> None:
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - limits.LOGIN_COOLOFF)


def test_wrong_passwords_lock_the_account_and_the_right_one_is_refused_with_the_wait(make_user):
    make_user("alice")
    fail("alice", limits.LOGIN_FAILURES_PER_ACCOUNT - 1)
    response, _ = sign_in("alice", "wrong-password")  # the failure that reaches the limit already says so
    assert response.status_code == 429
    response, client = sign_in("alice", PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    page = response.content.decode()
    assert "Too many failed sign-ins for this account. Try again in 15 minutes." in page
    assert 'value="alice"' in page  # the form is there to try again later
    assert 0 < int(response["Retry-After"]) <= limits.LOGIN_COOLOFF.total_seconds()


def test_a_locked_account_is_refused_before_its_password_is_checked(make_user):
    make_user("alice")
    fail("alice", limits.LOGIN_FAILURES_PER_ACCOUNT)
    with mock.patch("django.contrib.auth.backends.ModelBackend.authenticate", side_effect=AssertionError("hashed")):
        response, _ = sign_in("alice", PASSWORD)
    assert response.status_code == 429


def test_the_lock_holds_from_another_address_and_ends_after_the_cool_off(make_user):
    make_user("alice")
    fail("alice", limits.LOGIN_FAILURES_PER_ACCOUNT)
    response, _ = sign_in("alice", PASSWORD, address="198.51.100.1")
    assert response.status_code == 429
    let_the_cool_off_pass()
    response, client = sign_in("alice", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_another_account_from_the_same_address_signs_in(make_user):
    make_user("alice")
    make_user("bob")
    fail("alice", limits.LOGIN_FAILURES_PER_ACCOUNT)
    response, client = sign_in("bob", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_a_successful_sign_in_clears_the_accounts_failures(make_user):
    make_user("alice")
    for _ in range(2):
        fail("alice", limits.LOGIN_FAILURES_PER_ACCOUNT - 1)
        response, client = sign_in("alice", PASSWORD)
        assert response.status_code == 302 and signed_in(client)


def test_many_accounts_guessed_from_one_address_lock_that_address(make_user):
    make_user("carol")
    per_account = limits.LOGIN_FAILURES_PER_ACCOUNT - 1
    for n in range(limits.LOGIN_FAILURES_PER_ADDRESS // per_account):
        fail(f"guess{n}", per_account)
    response, client = sign_in("carol", PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    assert "Too many failed sign-ins from your network address." in response.content.decode()
    response, client = sign_in("carol", PASSWORD, address="198.51.100.1")
    assert response.status_code == 302 and signed_in(client)


def test_signing_in_does_not_clear_the_addresss_failures(make_user):
    make_user("mallory")
    make_user("carol")
    fail("carol", limits.LOGIN_FAILURES_PER_ACCOUNT - 1)
    sign_in("mallory", PASSWORD)  # the guesser's own account
    assert AccessAttempt.objects.filter(username="carol").exists()


def test_api_keys_work_while_their_user_and_address_are_locked_out(make_user):
    alice = make_user("alice")
    key = api_key_create(user=alice, name="svc")
    fail("alice", limits.LOGIN_FAILURES_PER_ADDRESS, address="127.0.0.1")  # the test client's address
    assert sign_in("alice", PASSWORD, address="127.0.0.1")[0].status_code == 429
    assert AzureClient(key).get("/projects").status_code == 200


def test_a_sign_in_waits_for_its_password_check_turn_or_is_told_to_retry(make_user, monkeypatch):
    make_user("alice")
    monkeypatch.setattr(limits, "LOGIN_PASSWORD_CHECK_WAIT", timedelta(milliseconds=50))
    held = [login_throttle._password_checks.acquire() for _ in range(limits.LOGIN_PASSWORD_CHECKS_AT_ONCE)]
    try:
        response, client = sign_in("alice", PASSWORD)
    finally:
        for _ in held:
            login_throttle._password_checks.release()
    assert response.status_code == 429 and not signed_in(client)
    assert "The studio is busy checking other sign-ins. Try again in a few seconds." in response.content.decode()
    assert not AccessAttempt.objects.exists()  # not counted as a failure
    response, client = sign_in("alice", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_password_checks_run_one_at_a_time_per_process():
    running, most = 0, 0
    lock = threading.Lock()

    def counting(self, *args, **kwargs):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            threading.Event().wait(0.05)  # a password check's time
        finally:
            with lock:
                running -= 1

    with mock.patch.object(login_throttle.ModelBackend, "authenticate", counting):
        backend = login_throttle.BoundedPasswordBackend()
        threads = [
            threading.Thread(target=backend.authenticate, args=(None,), kwargs={"username": "x", "password": "y"})
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert most == limits.LOGIN_PASSWORD_CHECKS_AT_ONCE


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [(0, "10.0.0.1", "192.0.2.9"), (1, "10.0.0.1, 203.0.113.5", "203.0.113.5"), (2, "203.0.113.5", "192.0.2.9")],
)
def test_the_client_address_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.STUDIO_PROXY_COUNT = proxies
    request = mock.Mock(META={"REMOTE_ADDR": "192.0.2.9", "HTTP_X_FORWARDED_FOR": forwarded})
    assert login_throttle.client_address(request) == expected
