"""Users, passwords and API keys in real Chromium, by keyboard where a person would use one (issue 16)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from projects.authentication import hash_key
from projects.models import ApiKey, Role
from projects.services.projects import membership_set, project_create
from tests.conftest import AzureClient
from tests.e2e.axe import blocking_violations, describe


@pytest.fixture
def page(browser):
    """The pages run under the studio's Content-Security-Policy, which would block axe's injected script: the context
    bypasses it (as `test_accessibility` does), which changes nothing the tests look at."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_an_administrator_invites_a_user_who_sets_a_password_and_signs_in(live_server, page, login, make_user, browser):
    login(make_user("root", superuser=True))
    page.get_by_role("link", name="Users").click()
    page.wait_for_url("**/users/")
    assert not blocking_violations(page), describe(blocking_violations(page))
    page.get_by_label("Username").fill("two words")
    page.get_by_label("Username").press("Enter")
    assert "no spaces" in page.locator(".field-errors").inner_text()
    page.get_by_label("Username").fill("bea")
    page.get_by_role("region", name="New user").get_by_label("May create projects").check()
    page.get_by_role("button", name="Create user").click()
    link = page.get_by_label("Set-password link for bea").input_value()
    assert "/set-password/" in link
    page.get_by_role("button", name="Copy").focus()
    page.keyboard.press("Enter")  # keyboard works the copy button (the clipboard may be denied headless)
    assert page.get_by_role("button", name="Copied").or_(page.get_by_role("button", name="Selected: press Ctrl+C"))
    assert page.get_by_label("Set-password link for bea").evaluate("el => el.selectionEnd") == len(link)

    newcomer = browser.new_context().new_page()
    newcomer.goto(link)
    newcomer.get_by_label("New password", exact=True).fill("long-pass-9481")
    newcomer.get_by_label("New password confirmation").fill("long-pass-9481")
    newcomer.get_by_label("New password confirmation").press("Enter")
    newcomer.wait_for_url("**/login/")
    assert "Your password is set" in newcomer.get_by_role("status").inner_text()
    newcomer.get_by_label("Username").fill("bea")
    newcomer.get_by_label("Password").fill("long-pass-9481")
    newcomer.get_by_label("Password").press("Enter")
    newcomer.get_by_role("link", name="New project").or_(
        newcomer.get_by_role("link", name="Create a project")
    ).wait_for()
    assert newcomer.get_by_role("link", name="Users").count() == 0
    newcomer.goto(link)
    assert "This link no longer works" in newcomer.get_by_role("alert").inner_text()
    newcomer.context.close()


def test_a_user_changes_their_password_with_clear_errors(live_server, page, login, make_user):
    login(make_user("ann"))
    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Change password").click()
    page.wait_for_url("**/account/password/")
    page.get_by_label("Old password").fill("pw-secret-123")
    page.get_by_label("New password", exact=True).fill("password")
    page.get_by_label("New password confirmation").fill("password")
    page.get_by_label("New password confirmation").press("Enter")
    assert "This password is too common." in page.locator(".field-errors").inner_text()
    assert not blocking_violations(page), describe(blocking_violations(page))
    page.get_by_label("Old password").fill("pw-secret-123")
    page.get_by_label("New password", exact=True).fill("fresh-pass-2231")
    page.get_by_label("New password confirmation").fill("fresh-pass-2231")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/account/")
    assert "Your password was changed." in page.get_by_role("status").inner_text()
    assert get_user_model().objects.get(username="ann").check_password("fresh-pass-2231")


def test_an_owner_creates_a_key_sees_it_once_and_revokes_it(live_server, page, login, make_user):
    owner = make_user("olga")
    project = project_create(user=owner, name="loans")
    make_user("vic", create_projects=False)
    membership_set(project=project, user=owner, username="vic", role=Role.VIEWER)
    login(owner)
    page.goto(f"{live_server.url}/projects/loans/members/")
    page.get_by_role("link", name="API keys").click()
    page.wait_for_url("**/projects/loans/api-keys/")
    page.get_by_role("button", name="Create key").click()
    assert "This field is required." in page.locator(".field-errors").inner_text()
    page.get_by_label("Name").fill("billing-service")
    page.get_by_label("Role").select_option("viewer")
    page.get_by_label("Name").press("Enter")
    raw = page.get_by_label("The new API key").input_value()
    assert ApiKey.objects.get(name="billing-service").key_hash == hash_key(raw)
    assert "shown only once" in page.get_by_role("status").first.inner_text()
    assert not blocking_violations(page), describe(blocking_violations(page))
    api = AzureClient(raw)
    assert api.get("/projects/loans").status_code == 200
    assert api.patch("/projects/loans", {"description": "no"}).status_code == 403

    page.goto(f"{live_server.url}/projects/loans/api-keys/")  # a later visit never shows the key again
    assert raw not in page.content()
    row = page.locator("tr[data-key='billing-service']")
    assert "Never" not in row.inner_text()  # used just now
    row.get_by_role("button", name="Revoke key billing-service").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "revoked" in page.get_by_role("status").inner_text()
    assert "Revoked" in page.locator("tr[data-key='billing-service']").inner_text()
    assert api.get("/projects/loans").status_code == 401


def test_a_member_makes_a_key_for_themselves_on_the_account_page(live_server, page, login, make_user):
    owner = make_user("olga")
    project = project_create(user=owner, name="loans")
    project_create(user=owner, name="other")
    vic = make_user("vic", create_projects=False)
    membership_set(project=project, user=owner, username="vic", role=Role.VIEWER)
    login(vic)
    page.get_by_role("link", name="Account").click()
    assert page.get_by_label("other").count() == 0  # only the user's own projects are offered
    page.get_by_label("Name").fill("notebook")
    page.get_by_label("Role").select_option("owner")
    page.get_by_label("loans").check()
    page.get_by_role("button", name="Create key").click()
    assert "does not allow a key with role owner" in page.locator(".field-errors").inner_text()
    page.get_by_label("Role").select_option("viewer")
    page.get_by_label("loans").check()
    page.get_by_role("button", name="Create key").click()
    raw = page.get_by_label("Your new API key").input_value()
    assert AzureClient(raw).get("/projects/loans").status_code == 200
    assert not blocking_violations(page), describe(blocking_violations(page))
