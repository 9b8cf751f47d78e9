"""Signing out in Debian's Chromium: the person sees "You have signed out", and the back button brings
back the sign-in page, not the page they had open (it is neither cached nor served to the old cookie)."""
from __future__ import annotations

import pytest

from cli.demo_data import DEMO_PASSWORD
from tests.browser.chromium import chromium_browser, live_server

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture fails the test with the fix
    expect = None


@pytest.fixture
def server(web_app):
    with live_server(web_app) as url:
        yield url


def test_sign_out_then_back_shows_sign_in_not_the_page(server):
    with chromium_browser() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(20_000)
        page.goto(server + "/")
        page.get_by_label("User name").fill("lee.la")
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Tasks", exact=True)).to_be_visible()
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
        page.go_back()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(page.get_by_role("heading", name="Tasks", exact=True)).to_have_count(0)
        assert "/sign-in" in page.url
        page.go_forward()
        expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
