"""The admin banner for a scheduler that is not running, as Chromium draws it, wide and narrow: visible
at the top of the page, its heading and advice readable, no console error under the app's CSP."""
from __future__ import annotations

from pathlib import Path

import pytest

from cli.demo_data import DEMO_PASSWORD
from tests.browser.chromium import chromium_browser, live_server

try:
    from playwright.sync_api import expect
except ImportError:  # chromium_browser fails the test with the fix
    expect = None

SHOTS = Path("/tmp/reintegrate-screenshots")


@pytest.fixture
def server(web_app):
    with live_server(web_app) as url:
        yield url


@pytest.mark.parametrize("width", [1280, 375])
def test_admins_see_the_scheduler_banner(server, width):
    problems: list[str] = []
    with chromium_browser() as browser:
        page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.goto(server + "/")
        page.get_by_label("User name").fill("ada.admin")
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        banner = page.locator("#scheduler-warning")
        expect(banner).to_be_visible()
        expect(banner.get_by_text("No scheduler is running")).to_be_visible()
        expect(banner).to_contain_text("No scheduler has run yet. Deadlines, reminders and escalations are not being processed.")
        box = banner.bounding_box()
        assert box["width"] <= width and box["y"] < 400  # on screen, above the page's own content
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"scheduler-banner-{width}.png"), full_page=True)
    assert problems == []
