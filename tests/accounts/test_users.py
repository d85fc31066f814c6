"""The Users page (administrators: superusers), set-password links, password change."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.test import Client

from accounts.services.users import password_set_path, user_create
from studio.exceptions import Conflict


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _link(page: str) -> str:
    return re.search(r'id="set-password-link" class="secret-value" type="text" readonly value="([^"]+)"', page)[1]


def test_only_administrators_see_and_use_the_users_page(make_user):
    admin = signed_in(make_user("root", superuser=True))
    page = admin.get("/").content.decode()
    assert 'href="/users/"' in page
    member = signed_in(make_user("ann"))
    assert 'href="/users/"' not in member.get("/").content.decode()
    refused = member.get("/users/")
    assert refused.status_code == 403 and "Only studio administrators can manage users." in refused.content.decode()
    assert member.post("/users/", {"username": "eve"}).status_code == 403
    assert Client().get("/users/").status_code == 302
    assert not get_user_model().objects.filter(username="eve").exists()


def test_an_administrator_creates_a_user_with_a_one_time_set_password_link(make_user):
    admin = signed_in(make_user("root", superuser=True))
    response = admin.post("/users/", {"username": "bea", "may_create_projects": "on"})
    assert response.status_code == 303 and response["Location"] == "/users/"  # a reload re-sends no POST
    shown = admin.get("/users/")
    assert "no-store" in shown["Cache-Control"]
    page = shown.content.decode()
    link = _link(page)
    assert "shown only once" in page and link.startswith("http://testserver/set-password/")
    assert "Set-password link for bea" in page
    bea = get_user_model().objects.get(username="bea")
    assert not bea.has_usable_password() and bea.has_perm("projects.add_project") and not bea.is_superuser
    reloaded = admin.get("/users/").content.decode()
    assert link not in reloaded and 'id="set-password-link"' not in reloaded
    assert get_user_model().objects.filter(username="bea").count() == 1

    visitor = Client()
    form = visitor.get(link, follow=True)
    assert "Choose a password" in form.content.decode() and "For bea" in form.content.decode()
    weak = visitor.post(form.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and "This password is too short" in weak.content.decode()
    done = visitor.post(
        form.redirect_chain[-1][0], {"new_password1": "long-pass-9481", "new_password2": "long-pass-9481"}, follow=True
    )
    assert "Your password is set" in done.content.decode()
    assert Client().login(username="bea", password="long-pass-9481")
    again = Client().get(link, follow=True).content.decode()
    assert "This link no longer works" in again


def test_usernames_are_checked_with_clear_messages(make_user):
    admin = signed_in(make_user("root", superuser=True))
    bad = admin.post("/users/", {"username": "two words"})
    assert bad.status_code == 400 and "no spaces" in bad.content.decode()
    taken = admin.post("/users/", {"username": "ROOT"})
    assert taken.status_code == 400 and "There is already a user named &#x27;ROOT&#x27;." in taken.content.decode()


def test_a_name_taken_between_the_check_and_the_insert_is_the_same_conflict(db, monkeypatch):
    """Two requests creating one name at once: the loser's check passed before the winner's insert, so only the
    database's constraint notices; that is the same 409 as the check's, not a 500."""
    users = get_user_model()
    checked = QuerySet.exists

    def a_rival_inserts_after_the_check(queryset):
        monkeypatch.setattr(QuerySet, "exists", checked)
        answer = checked(queryset)
        users.objects.create_user(username="bea")
        return answer

    monkeypatch.setattr(QuerySet, "exists", a_rival_inserts_after_the_check)
    with pytest.raises(Conflict, match="There is already a user named 'bea'."):
        user_create(username="bea", is_admin=True)
    # (the rival's row went with user_create's transaction here; a real rival commits in its own)
    assert not users.objects.filter(is_superuser=True).exists()  # the connection is still usable


def test_reset_password_stops_the_old_one_and_shows_a_new_link(make_user):
    admin = signed_in(make_user("root", superuser=True))
    ann = make_user("ann")
    member = signed_in(ann)
    assert member.get("/account/").status_code == 200
    response = admin.post(f"/users/{ann.pk}/reset-password/")
    assert response.status_code == 303 and response["Location"] == "/users/"
    shown = admin.get("/users/").content.decode()
    assert "Set-password link for ann" in shown
    assert not Client().login(username="ann", password="pw-secret-123")
    assert member.get("/account/").status_code == 302  # their sessions end with the password
    link = _link(shown)
    assert "/set-password/" in link
    reloaded = admin.get("/users/").content.decode()
    assert link not in reloaded and "Set-password link for ann" not in reloaded
    assert "This link no longer works" not in Client().get(link, follow=True).content.decode()  # still the one link


def test_an_administrator_cannot_reset_their_own_password(make_user):
    """The reset would end the very session that is to show the link: they change their password instead."""
    root = make_user("root", superuser=True)
    admin = signed_in(root)
    page = admin.get("/users/").content.decode()
    assert f'action="/users/{root.pk}/reset-password/"' not in page and 'href="/account/password/"' in page
    refused = admin.post(f"/users/{root.pk}/reset-password/", follow=True)
    assert "Change your own password on your Account page" in refused.content.decode()
    assert get_user_model().objects.get(pk=root.pk).check_password("pw-secret-123")
    assert admin.get("/users/").status_code == 200  # still signed in


def test_the_users_page_is_paged(make_user):
    admin = signed_in(make_user("root", superuser=True))
    get_user_model().objects.bulk_create(get_user_model()(username=f"user{i:02d}") for i in range(55))
    first = admin.get("/users/").content.decode()
    assert first.count("data-user=") == 50 and "56 users" in first and "Page 1 of 2" in first
    assert admin.get("/users/?page=2").content.decode().count("data-user=") == 6


def test_administrators_grant_project_creation_and_cannot_demote_themselves(make_user):
    root = make_user("root", superuser=True)
    admin = signed_in(root)
    ann = make_user("ann", create_projects=False)
    assert not ann.has_perm("projects.add_project")
    assert admin.post(f"/users/{ann.pk}/", {"may_create_projects": "on", "is_active": "on"}).status_code == 302
    assert get_user_model().objects.get(pk=ann.pk).has_perm("projects.add_project")
    assert admin.post(f"/users/{ann.pk}/", {"is_active": "on"}).status_code == 302
    assert not get_user_model().objects.get(pk=ann.pk).has_perm("projects.add_project")
    response = admin.post(f"/users/{root.pk}/", {"is_active": "on"}, follow=True)
    assert "You cannot remove your own administrator rights" in response.content.decode()
    assert get_user_model().objects.get(pk=root.pk).is_superuser
    admin.post(f"/users/{ann.pk}/", {})  # deactivated
    assert not Client().login(username="ann", password="pw-secret-123")


def test_a_set_password_link_is_for_one_account_and_one_password(db):
    user = user_create(username="cy")
    path = password_set_path(user=user)
    other = user_create(username="dee")
    assert path != password_set_path(user=other)
    user.set_password("changed-elsewhere-1")
    user.save()
    assert "This link no longer works" in Client().get(path, follow=True).content.decode()


def test_everyone_changes_their_own_password(make_user):
    ann = make_user("ann")
    client = signed_in(ann)
    page = client.get("/account/password/")
    assert page.status_code == 200 and "Change password" in page.content.decode()
    wrong = client.post(
        "/account/password/",
        {"old_password": "nope", "new_password1": "fresh-pass-2231", "new_password2": "fresh-pass-2231"},
    )
    assert wrong.status_code == 200 and "Your old password was entered incorrectly" in wrong.content.decode()
    common = client.post(
        "/account/password/",
        {"old_password": "pw-secret-123", "new_password1": "password", "new_password2": "password"},
    )
    assert "This password is too common" in common.content.decode()
    done = client.post(
        "/account/password/",
        {"old_password": "pw-secret-123", "new_password1": "fresh-pass-2231", "new_password2": "fresh-pass-2231"},
        follow=True,
    )
    assert "Your password was changed." in done.content.decode()
    assert client.get("/account/").status_code == 200  # still signed in
    assert Client().login(username="ann", password="fresh-pass-2231")
    assert Client().get("/account/password/").status_code == 302
