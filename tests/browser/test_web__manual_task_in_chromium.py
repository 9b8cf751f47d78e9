"""A manual task in Chromium: the task page shows a note and "Mark as done", at desktop and phone
widths, and marking it done moves the case on."""
from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from cli.demo_data import DEMO_PASSWORD
from tests.browser.chromium import chromium_browser, live_server
from tests.integration.test_tasks__manual import _deploy_into

SHOTS = os.environ.get("REINTEGRATE_SHOTS")  # a folder to keep the screenshots in, for a person to look at


@pytest.fixture
def server(web_app):
    with live_server(web_app) as url:
        yield url


def test_a_manual_task_is_marked_done_with_a_note(server, web_world, tmp_path):
    task_id = _deploy_into(web_world)
    with chromium_browser() as browser:
        for width in (1280, 375):
            page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
            page.set_default_timeout(20_000)
            page.goto(server + "/")
            page.get_by_label("User name").fill("ava.ap")
            page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.goto(f"{server}/tasks/{task_id}")
            expect(page.get_by_role("heading", name="Phone the parent")).to_be_visible()
            note = page.get_by_label("Note (optional)")
            expect(note).to_be_visible()
            button = page.get_by_role("button", name="Mark as done")
            box, viewport = button.bounding_box(), page.viewport_size
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]  # on the screen, not cut off
            page.screenshot(path=str(tmp_path / f"manual_task_{width}.png"), full_page=True)
            if SHOTS:
                page.screenshot(path=os.path.join(SHOTS, f"manual_task_{width}.png"), full_page=True)
        note.fill("Rang the parent, all fine")
        button.click()
        expect(page.get_by_text("Phone the parent: done")).to_be_visible()
        assert f"/tasks/{task_id}" not in page.url
