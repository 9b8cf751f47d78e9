"""A case id in the case page's heading never makes the page scroll sideways at 320 px: ids are random,
and one of wide letters ("R-DDDDDDDDDDDDDDDD", 331 px in the heading) is wider than a phone's line, so
it breaks there instead of widening the page (the every-page tour failed on such ids now and then)."""
from __future__ import annotations

from tests.browser.test_web__caseworker_in_chromium import _page, _sign_in, browser, server  # noqa: F401


def test_the_widest_case_id_fits_a_320_px_phone(browser, server, web_world):  # noqa: F811
    problems: list[str] = []
    page = _page(browser, server, problems)
    _sign_in(page, server, "ava.ap")
    page.goto(server + f"/cases/{web_world.placement}")
    page.set_viewport_size({"width": 320, "height": 900})
    widths = {}
    for letter in "0123456789ABCDEF":  # the id drawn in each letter, the widest included
        widths[letter] = page.evaluate("""(letter) => { const id = document.querySelector('h1 .app-nowrap');
            id.textContent = 'R-' + letter.repeat(16); return document.documentElement.scrollWidth; }""", letter)
    assert widths == dict.fromkeys("0123456789ABCDEF", 320)
    heights = {letter: page.evaluate("""(letter) => { const id = document.querySelector('h1 .app-nowrap');
        id.textContent = 'R-' + letter.repeat(16); return id.getBoundingClientRect().height; }""", letter)
               for letter in "FD"}
    assert heights["F"] < heights["D"]  # one line where it fits; broken only where it cannot
    assert problems == []
