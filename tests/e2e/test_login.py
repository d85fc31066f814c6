def test_admin_can_sign_in_and_healthz_answers(live_server, page, login, make_user):
    admin = make_user("root", superuser=True)
    login(admin)
    assert "/login/" not in page.url
    assert page.get_by_role("heading", name="Projects", exact=True).is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    response = page.request.get(f"{live_server.url}/healthz")
    assert response.status == 200 and response.json()["status"] == "ok"


def test_wrong_password_shows_a_message(live_server, page, login, make_user):
    user = make_user("someone")
    login(user, password="wrong")
    assert page.get_by_role("alert").inner_text().startswith("Your username and password didn't match")


def test_sign_out_returns_to_the_sign_in_page(live_server, page, login, make_user):
    login(make_user("someone"))
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")
    assert page.get_by_role("heading", name="Sign in").is_visible()
