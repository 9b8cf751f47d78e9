"""Every page type, as every demo account, in Debian's Chromium (one browser, one live server, one
context per account).

Each account signs in and visits every page type: the task list, the Cases page, a case page, a task
of its own lane and one of another lane (read only), the start pages with their errors and check
answers, the reports index and each report, the auditor's view with verification and the printable
record, the access log, the Processes page, a version diff, moving cases, the modeller, accounts,
organisations, incidents, mail, printable forms, password change, the accessibility statement, and a
page that is not there (404). A page the account may not open is its error page (403 or 404), checked
the same way. On every page the visible words must hold no markup (`<`, `&lt;`), no internal id
(role, lane or task ids, snake_case names, Python values such as None), no "(seed 000)" and no ISO
date; and the page must not scroll sideways at 320, 375 or 1280 px (WCAG 2.2 reflow). The first time
each page type renders, axe-core must find no serious or critical violation there, and it is
screenshotted at 1280 and 375 px into `test-screenshots/` as `page-<type>-<width>.png` (see the README).
Signed out: the sign-in page and "You have signed out".
"""
from __future__ import annotations

import re

from cli.demo_data import DEMO_PASSWORD, DEMO_USERS, _load_outreach
from engine.dmn import documents_beside
from schooling import reports
from tests.browser.test_web__caseworker_in_chromium import AXE, ROOT, browser, server  # noqa: F401
from tests.browser.test_web__organisations_in_chromium import AXE_SERIOUS
from tests.conftest import REINTEGRATION

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture fails the test with the fix
    expect = None

SHOTS = ROOT / "test-screenshots"
WIDTHS = (320, 375, 1280)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
#: role, lane and task ids, and any other snake_case name (la_admissions, record_parental_consent)
INTERNAL_ID = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
PYTHON_REPR = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\{'|\['|object at 0x|Decimal\(|datetime\.|\(seed \d+")
#: The page's words, without the drawn process diagram and the modeller (bpmn-js draws the BPMN's own
#: names there, and the modeller's properties panel edits the ids themselves: a modeller's business).
WORDS = """() => { const body = document.body.cloneNode(true);
    body.querySelectorAll('.app-diagram, .app-modeller, script, template').forEach(d => d.remove());
    return body.innerText; }"""


def words_problems(text: str) -> list[str]:
    found = []
    if "<" in text or "&lt;" in text or "&amp;" in text:
        found.append("markup: " + ", ".join(re.findall(r".{0,30}(?:<|&lt;|&amp;).{0,30}", text)[:3]))
    for name, pattern in (("ISO date", ISO_DATE), ("internal id", INTERNAL_ID), ("Python value", PYTHON_REPR)):
        hits = sorted(set(pattern.findall(text)))
        if hits:
            found.append(f"{name}: {', '.join(hits[:6])}")
    return found


def reflow_problems(page) -> list[str]:
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            found.append(f"{scroll} px wide at {width} px")
    return found


def chart_problems(page) -> list[str]:
    """Each chart a report shows (one drawing of two: the wide one, or the narrow one on a phone) is drawn
    at least 0.9 of its own size at 1280 px and at 320 px (its words at 12 px or more), and fits its box
    (nothing to scroll sideways)."""
    found = []
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        shown = page.eval_on_selector_all(".app-chart", """charts => charts.map(c => {
            const svgs = [...c.querySelectorAll('svg')].filter(s => s.getClientRects().length)
            return {count: svgs.length, overflow: c.scrollWidth - c.clientWidth,
                    scales: svgs.map(s => s.getBoundingClientRect().width / s.viewBox.baseVal.width)}})""")
        for chart in shown:
            found += [f"a chart drawn at {scale:.0%} of its size at {width} px"
                      for scale in chart["scales"] if scale < 0.9]
            if chart["count"] != 1 or chart["overflow"] > 0:
                found.append(f"a chart showing {chart['count']} drawings, {chart['overflow']} px to scroll at {width} px")
    page.set_viewport_size({"width": 1280, "height": 900})
    return found


class Visit:
    """The tour: every account's problems by page type, each page type's first screenshots and axe."""

    def __init__(self, base_url: str):
        self.server, self.problems, self.seen, self.axe = base_url, [], set(), AXE.read_text()
        self.statuses: dict[str, set[int]] = {}
        SHOTS.mkdir(exist_ok=True)

    def check(self, page, who: str, kind: str, status: int) -> None:
        """The page now open, of type `kind`: words, reflow, and (first time) axe and screenshots."""
        self.statuses.setdefault(kind, set()).add(status)
        if status >= 500:
            self.problems.append(f"{who} {kind}: status {status}")
        page.locator("main").first.wait_for()
        where = f"{who} {kind} ({page.url.removeprefix(self.server)}, {status})"
        self.problems += [f"{where}: {p}" for p in words_problems(page.evaluate(WORDS)) + reflow_problems(page)]
        shot = kind if status < 400 or kind.endswith("-errors") else f"error-{status}"
        if shot in self.seen:
            return
        self.seen.add(shot)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.add_script_tag(content=self.axe)
        violations = page.evaluate(AXE_SERIOUS)
        if violations:
            self.problems.append(f"{where}: axe: {violations}")
        page.screenshot(path=str(SHOTS / f"page-{shot}-1280.png"), full_page=True)
        page.set_viewport_size({"width": 375, "height": 800})
        page.screenshot(path=str(SHOTS / f"page-{shot}-375.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

    def go(self, page, who: str, kind: str, path: str) -> int:
        response = page.goto(self.server + path)
        self.check(page, who, kind, response.status)
        if kind.startswith("report-"):
            self.problems += [f"{who} {kind}: {p}" for p in chart_problems(page)]
        return response.status


def _world_for_the_tour(web_world) -> dict:
    """Every process deployed (as `reintegrate demo` does) with the demo's outreach requests, a second
    version of the reintegration process (for the diff), and the demo's tasks."""
    rt = web_world.runtime
    with rt.engine() as eng:
        for path in sorted(REINTEGRATION.parent.glob("*.bpmn")):
            if path != REINTEGRATION:
                eng.deploy(path.read_bytes(), str(path), "system", documents_beside(path))
        changed = REINTEGRATION.read_text().replace('name="Record parental consent"', 'name="Record the parental consent"')
        eng.deploy(changed.encode(), str(REINTEGRATION), "pia.owner")
    _load_outreach(rt)
    with rt.engine() as eng:
        tasks = [t for t in eng.list_tasks() if t["case_id"] != web_world.other_case]
    return {"tasks": tasks}


def _pages(web_world) -> list[tuple[str, str]]:
    case = web_world.placement
    pages = [("tasks", "/"), ("tasks-filtered", "/?scope=mine&overdue=1"), ("cases", "/cases"),
             ("cases-search", "/cases?q=KP"), ("case", f"/cases/{case}"),
             ("start-index", "/start"), ("reports", "/reports")]
    pages += [(f"report-{name}", f"/reports/{name}") for name in reports.REPORTS]
    pages += [("audit", f"/cases/{case}/audit"), ("audit-step", f"/cases/{case}/audit?step=2"),
              ("audit-verify", f"/cases/{case}/audit/verify"), ("audit-print", f"/cases/{case}/audit/print"),
              ("access-log", f"/cases/{case}/audit/access"),
              ("processes", "/processes"), ("process-diff", "/processes/reintegration/diff"),
              ("process-migrate", "/processes/reintegration/versions/1/migrate"),
              ("modeller", "/processes/reintegration/modeller"),
              ("accounts", "/admin/users"), ("account", "/admin/users/ava.ap"),
              ("organisations", "/admin/organisations"), ("incidents", "/incidents"), ("mail", "/mail"),
              ("printables", f"/cases/{case}/forms"), ("printable-form", f"/cases/{case}/forms/consent"),
              ("change-password", "/account/password"), ("accessibility", "/accessibility"),
              ("not-found", "/cases/R-NOTACASE")]
    return pages


def _tasks_to_open(page, visit: Visit, role: str, tasks: list[dict]) -> list[tuple[str, str]]:
    """A task of the account's own lane and one of another lane, on cases the account may read."""
    out, wanted = [], {"task-own": lambda t: t["lane"] == role, "task-read-only": lambda t: t["lane"] != role}
    for kind, fits in wanted.items():
        for t in (t for t in tasks if fits(t)):
            if page.request.get(visit.server + f"/tasks/{t['task_id']}").status == 200:
                out.append((kind, f"/tasks/{t['task_id']}"))
                break
    return out


def _start_pages(page, visit: Visit, who: str) -> None:
    """The account's start pages: each process's start page and form, the form sent empty (its errors)."""
    if visit.go(page, who, "start-index", "/start") != 200:
        return
    keys = page.eval_on_selector_all("main a[href^='/start/']", "links => links.map(a => a.getAttribute('href'))")
    for href in dict.fromkeys(keys):
        key = href.removeprefix("/start/").split("/")[0]
        visit.go(page, who, f"start-{key}", href)
        visit.go(page, who, f"start-{key}-form", f"/start/{key}/form")
        page.get_by_role("button", name="Continue").click()
        visit.check(page, who, f"start-{key}-form-errors", 400)


def _check_answers(page, visit: Visit) -> None:
    """The AP setting's check-answers page for a reintegration (the start form filled in)."""
    page.goto(visit.server + "/start/reintegration/form")
    page.get_by_label("Child/young person's name").fill("Nia Tour")
    dob = page.get_by_role("group", name="Date of birth")
    for part, value in (("Day", "4"), ("Month", "9"), ("Year", "2012")):
        dob.get_by_label(part).fill(value)
    page.locator('select[name="home_school"]').select_option(label="Hollybrook High School", force=True)
    page.get_by_label("Parent/carer name").fill("Pat Tour")
    page.get_by_label("Parent/carer email").fill("pat.tour@example.org")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers before starting the case")).to_be_visible()
    visit.check(page, "ava.ap", "start-check-answers", 200)


def _sign_in(page, visit: Visit, who: str) -> None:
    page.goto(visit.server + "/sign-in")
    page.get_by_label("User name").fill(who)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # an agency stands in no lane: it lands on the cases sent to it, every other account on its tasks
    expect(page.get_by_role("heading", name=re.compile(r"^(Tasks|Cases)$"))).to_be_visible()


def test_every_page_type_as_every_account_reads_as_words_fits_and_passes_axe(browser, server, web_world):  # noqa: F811
    world = _world_for_the_tour(web_world)
    visit = Visit(server)
    console: list[str] = []
    pages = _pages(web_world)
    # The administrator first: each page type's screenshots show what the widest view holds (every
    # case, every report's figures, the longest navigation).
    for who, (role, _org) in sorted(DEMO_USERS.items(), key=lambda user: user[0] != "ada.admin"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda exc, who=who: console.append(f"{who}: uncaught {exc}"))
        if who == "ada.admin":
            visit.go(page, who, "sign-in", "/sign-in")
        _sign_in(page, visit, who)
        for kind, path in pages + _tasks_to_open(page, visit, role, world["tasks"]):
            visit.go(page, who, kind, path)
        _start_pages(page, visit, who)
        if who == "ava.ap":
            _check_answers(page, visit)
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
        visit.check(page, who, "signed-out", 200)
        context.close()
    reached = {kind for kind, statuses in visit.statuses.items() if 200 in statuses}
    unreached = sorted({kind for kind, _ in pages} - reached - {"not-found"})
    assert unreached == [], f"no account reached {unreached}"
    assert {"task-own", "task-read-only", "start-check-answers", "error-403", "error-404"} <= reached | visit.seen
    assert visit.problems == [] and console == [], "\n".join(visit.problems + console)
