from tests.browser.test_web__caseworker_in_chromium import _page, _sign_in, browser, server  # noqa


def test_look(browser, server, web_world):
    problems = []
    for w in (1280, 375):
        page = _page(browser, server, problems)
        page.set_viewport_size({"width": w, "height": 900})
        _sign_in(page, server, "pia.owner")
        page.goto(server + "/processes/reintegration/modeller")
        page.wait_for_timeout(3000)
        print(w, page.evaluate("[window.processModeller.ready, document.documentElement.scrollWidth, window.processModeller.scale, window.processModeller.error]"))
        page.screenshot(path=f"/tmp/summary/modeller-{w}.png", full_page=True)
    print(problems)
