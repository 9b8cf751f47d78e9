"""The admin's Accounts page in Chromium: at 375 px the accounts table stacks into labelled rows (as the Cases
page does), so every account's organisation can be read whole, with nothing cut off behind a sideways scroll;
at 1280 px it is an ordinary table. Screenshots at both widths for a person to look at."""
from __future__ import annotations

from tests.browser.test_web__caseworker_in_chromium import _page, _sign_in, browser, server  # noqa: F401

#: Every cell of the accounts table that is not wholly inside the window (or inside a box that clips it).
CUT_OFF = """(width) => [...document.querySelectorAll('main table td')].filter(td => {
    const r = td.getBoundingClientRect();
    return r.left < 0 || r.right > width || td.scrollWidth > td.clientWidth + 1;
  }).map(td => td.innerText)"""


def test_the_accounts_table_stacks_at_375_px_with_each_organisation_whole(browser, server, tmp_path):  # noqa: F811
    problems: list[str] = []
    page = _page(browser, server, problems)
    _sign_in(page, server, "ada.admin")
    page.goto(f"{server}/admin/users")
    organisation = page.locator("main td:nth-child(3)", has_text="Worcestershire County Council").first
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"accounts-{width}.png"), full_page=True)
        page.screenshot(path=f"/tmp/tidy-accounts-{width}.png", full_page=True)
        assert page.evaluate(CUT_OFF, width) == [], width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert organisation.is_visible()
    # at 375 px each value sits under its column's name, the header row hidden but kept for screen readers
    label = organisation.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Organisation"'
    assert page.locator("main table th", has_text="Organisation").count() == 1
    assert problems == []
