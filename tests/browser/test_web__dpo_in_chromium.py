"""The data protection officer in Debian's Chromium: the case page offers the subject access export
(at desktop and phone widths), and the button downloads the archive, whose HTML opens as a page
(screenshots of each are left in the test's temporary directory)."""
from __future__ import annotations

import zipfile

from tests.browser import test_web__caseworker_in_chromium as caseworker

browser, server = caseworker.browser, caseworker.server  # the caseworker test's fixtures: Chromium, the app


def test_the_dpo_downloads_everything_held_about_the_pupil(browser, server, web_world, tmp_path):
    problems: list[str] = []
    page = caseworker._page(browser, server, problems, accept_downloads=True)
    caseworker._sign_in(page, server, "dee.dpo")
    page.goto(f"{server}/cases/{web_world.placement}")
    button = page.get_by_role("button", name="Export everything held about this pupil (subject access request)")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert button.is_visible()
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        page.screenshot(path=str(tmp_path / f"dpo-case-{width}.png"), full_page=True)
    with page.expect_download() as download:
        button.click()
    archive = tmp_path / download.value.suggested_filename
    download.value.save_as(archive)
    document = page.context.new_page()  # a blank page: the archive is opened from disk, not from the service
    document.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    with zipfile.ZipFile(archive) as zipped:
        document.set_content(zipped.read("subject-access.html").decode())
    assert document.get_by_role("heading", level=1).inner_text() == "Information held about Kim Placement"
    document.screenshot(path=str(tmp_path / "subject-access.png"), full_page=True)
    assert problems == []
