"""Ending sessions from the web: a person's own password change, an admin's "sign out everywhere" and an
admin's new password each send every other copy of the account's cookie to the sign-in page at once.
API tokens from the admin page: shown once, listed, revoked or expired, and then answered with 401."""
from __future__ import annotations

import re

from cli.demo_data import DEMO_PASSWORD
from tests.web_helpers import csrf, post

NEW = "lantern otter paperclip"


def _stale(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response.location.startswith("/sign-in")


def _sign_in_with(web_app, name: str, password: str):
    client = web_app.test_client()
    return client.post("/sign-in", data={"name": name, "password": password, "csrf_token": csrf(client, "/sign-in")})


def test_changing_your_password_signs_you_out_everywhere_else(web_app, signed_in):
    here, elsewhere = signed_in("lee.la"), signed_in("lee.la")
    before = here.get_cookie("session").value
    page = here.get("/account/password")
    assert page.status_code == 200 and "Change your password" in page.get_data(as_text=True)
    response = post(here, "/account/password", {"current_password": DEMO_PASSWORD, "new_password": NEW})
    assert response.status_code == 302
    assert "Your password has been changed" in here.get("/").get_data(as_text=True)  # still signed in, under a new id
    assert here.get_cookie("session").value != before
    assert _stale(elsewhere)
    stolen = web_app.test_client()
    stolen.set_cookie("session", before)
    assert _stale(stolen)
    assert _sign_in_with(web_app, "lee.la", DEMO_PASSWORD).status_code == 400
    assert _sign_in_with(web_app, "lee.la", NEW).status_code == 302


def test_a_refused_password_change_changes_nothing(web_app, signed_in):
    here, elsewhere = signed_in("lee.la"), signed_in("lee.la")
    for current, new, message in ((DEMO_PASSWORD, "password1234", "common passwords"),
                                  (DEMO_PASSWORD, "password12", "at least 12 characters"),
                                  (DEMO_PASSWORD, "aaaaaaaaaaaa", "repeats"),
                                  ("not my password", NEW, "current password is not right"),
                                  ("", "", "Enter your current password")):
        response = post(here, "/account/password", {"current_password": current, "new_password": new})
        assert response.status_code == 400 and message in response.get_data(as_text=True), message
    assert not _stale(elsewhere) and not _stale(here)
    assert _sign_in_with(web_app, "lee.la", DEMO_PASSWORD).status_code == 302


def test_an_admin_signs_someone_out_everywhere(signed_in):
    phone, laptop, admin = signed_in("lee.la"), signed_in("lee.la"), signed_in("ada.admin")
    page = admin.get("/admin/users/lee.la").get_data(as_text=True)
    assert "2 sessions" in page and "Sign out everywhere" in page
    response = post(admin, "/admin/users/lee.la/sign-out-everywhere")
    assert response.status_code == 302
    assert "lee.la is signed out everywhere (2 sessions ended)" in admin.get(response.location).get_data(as_text=True)
    assert _stale(phone) and _stale(laptop) and not _stale(admin)
    assert post(admin, "/admin/users/nobody/sign-out-everywhere").status_code == 404


def test_an_admins_new_password_ends_the_sessions_and_weak_ones_are_refused(web_app, signed_in):
    phone, admin = signed_in("lee.la"), signed_in("ada.admin")
    weak = post(admin, "/admin/users/lee.la/password", {"new_password": "password1234"})
    assert weak.status_code == 400 and "common passwords" in weak.get_data(as_text=True)
    assert not _stale(phone)
    assert post(admin, "/admin/users/lee.la/password", {"new_password": NEW}).status_code == 302
    assert _stale(phone)
    assert _sign_in_with(web_app, "lee.la", NEW).status_code == 302


def test_tokens_from_the_admin_page_are_shown_once_revoked_and_expire(web_app, web_world, signed_in):
    admin, api = signed_in("ada.admin"), web_app.test_client()

    def create(label: str, expires: str) -> str:
        page = post(admin, "/admin/users/lee.la/tokens", {"label": label, "expires": expires})
        assert page.status_code == 200
        return re.search(r'<code class="app-token" id="new-token">([^<]+)</code>', page.get_data(as_text=True)).group(1)

    def status(token: str) -> int:
        return api.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code

    export, monthly = create("nightly export", "90"), create("dashboard", "30")
    assert status(export) == 200 and status(monthly) == 200
    page = admin.get("/admin/users/lee.la").get_data(as_text=True)
    assert "nightly export" in page and "dashboard" in page and export not in page  # never shown again
    token_id = re.search(r'dashboard</td>.*?/admin/users/lee.la/tokens/(\d+)/revoke', page, re.DOTALL).group(1)
    assert post(admin, f"/admin/users/lee.la/tokens/{token_id}/revoke").status_code == 302
    assert status(monthly) == 401 and status(export) == 200
    assert post(admin, f"/admin/users/lee.la/tokens/{token_id}/revoke").status_code == 409
    assert post(admin, "/admin/users/aud.auditor/tokens/1/revoke").status_code == 404  # not theirs
    web_world.runtime.clock.advance(days=91)
    assert status(export) == 401 and api.get("/api/v1/tasks", headers={
        "Authorization": f"Bearer {export}"}).json["message"].endswith("has expired or was revoked")
    assert _stale(admin)  # 91 days idle
    admin = signed_in("ada.admin")
    assert "Expired" in admin.get("/admin/users/lee.la").get_data(as_text=True)
    bad = post(admin, "/admin/users/lee.la/tokens", {"label": "", "expires": "90"})
    assert bad.status_code == 400 and "name is 1 to 100 characters" in bad.get_data(as_text=True)


def test_only_admins_reach_the_account_pages(signed_in):
    client = signed_in("lee.la")
    for path in ("/admin/users/lee.la",):
        assert client.get(path).status_code == 403
    assert post(client, "/admin/users/lee.la/sign-out-everywhere").status_code == 403


def test_admin_pages_name_roles_and_organisation_kinds_in_words(signed_in):
    """The admin templates use the one table of role names (the role_name filter), not role.replace('_', ' ')."""
    from pathlib import Path

    client = signed_in("ada.admin")
    users = client.get("/admin/users").get_data(as_text=True)
    assert "<td class=\"govuk-table__cell\" data-label=\"Role\">Local authority admissions team</td>" in users
    assert '<option value="la_admissions">Local authority admissions team</option>' in users
    assert "Severn Vale Learning Centre (AP setting)" in users and ">No organisation<" in users
    assert not re.search(r">\s*(la admissions|ap setting|host school|la attendance)\s*<", users)
    account = client.get("/admin/users/lee.la").get_data(as_text=True)
    assert "Local authority admissions team" in account and "la admissions" not in account
    templates = Path(__file__).resolve().parents[2] / "web" / "templates"
    for name in ("admin_users.html", "admin_account.html", "admin_organisations.html"):
        assert "role.replace(" not in (templates / name).read_text(), name
