"""The report pages: every account of a role that runs reports sees them (each over the cases it may
count: tests/integration/test_permissions__failures_found.py), process owners get 403; each
report renders its charts as inline SVG under the page's CSP, with its figures in tables; filters by
year, term, school and process; CSV export. Figures from a reintegration driven to its successful end."""
from __future__ import annotations

import csv
import io
import re

import pytest

from cli import scenarios as s
from schooling.reports import REPORTS
from tests.conftest import TEST_READ, happened_today

READERS = ("ada.admin", "aud.auditor", "lee.la", "olu.attendance", "ava.ap", "hana.host", "omar.home", "otto.outreach",
           "wes.wrong", "una.ap")
OTHERS = ("pia.owner",)


@pytest.fixture
def moved(web_world):
    """A reintegration from Severn Vale (the pupil is on its roll only) to Kingsmead, successful in the autumn term
    of 2026/27."""
    rt = web_world.runtime  # the clock reads 23 November 2026; the scenario's forms are dated 2027
    start = {**{k: v for k, v in s.START_DATA.items() if k != "home_school"}, "pupil_name": "Mo Moved"}
    with rt.engine() as eng:
        case_id = eng.start_case("reintegration", start, "ada.admin")["case_id"]
    today = rt.clock.now().date().isoformat()  # the Fair Access dates may not be in the future: today
    fair_access = {"record_child_views": {"views_date": today}, "record_fair_access_decision":
                   {"agreed_to_consider_date": today}, "allocate_place": {"place_offered_date": today}}
    for element, form in s.HAPPY_PATH.items():
        form = {**form, **fair_access.get(element, {})}
        with rt.engine() as eng:
            task = next(t for t in eng.show_case(case_id, viewer=TEST_READ)["ready_tasks"] if t["task"] == element)
            eng.complete_task(task["task_id"], happened_today(form, task["form"], today), "ada.admin")
    return case_id


def test_report_runners_see_them_and_process_owners_do_not(signed_in):
    for name in READERS:
        client = signed_in(name)
        assert client.get("/reports").status_code == 200, name
        assert 'href="/reports"' in client.get("/").get_data(as_text=True), name  # in the navigation
        for report in REPORTS:
            assert client.get(f"/reports/{report}").status_code == 200, (name, report)
            assert client.get(f"/reports/{report}/export.csv").status_code == 200, (name, report)
    for name in OTHERS:
        client = signed_in(name)
        assert 'href="/reports"' not in client.get("/").get_data(as_text=True), name
        for path in ("/reports", "/reports/service", "/reports/weightings/export.csv"):
            assert client.get(path).status_code == 403, (name, path)


def test_signed_out_is_sent_to_sign_in(web_app):
    response = web_app.test_client().get("/reports/costs")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_weightings_page_chart_table_and_csv(signed_in, moved):
    client = signed_in("lee.la")
    response = client.get("/reports/weightings?year=2026/27")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp.split("style-src-attr")[0]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'role="img"' in page
    assert "<script" not in page.split("<svg", 1)[1].split("</svg>")[0] and "style=" not in page.split("<svg", 1)[1]
    assert "Kingsmead High School" in page and "Severn Vale Learning Centre" in page
    assert '<th scope="row" class="govuk-table__header">Kingsmead High School</th>' in page
    assert "cdn" not in page.lower()
    export = client.get("/reports/weightings/export.csv?year=2026/27&term=autumn")
    assert export.headers["Content-Type"].startswith("text/csv")
    assert 'filename="weightings-2026-27-autumn.csv"' in export.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert table[0] == ["Fair Access weightings grid", "year=2026/27", "term=autumn"]
    header = table.index(["School or setting", "2026/27 autumn points", "Transfers in", "Transfers out", "Net points"])
    assert table[header + 1:header + 3] == [["Kingsmead High School", "3", "1", "0", "3"],
                                            ["Severn Vale Learning Centre", "-3", "0", "1", "-3"]]
    spring = client.get("/reports/weightings/export.csv?year=2026/27&term=spring").get_data(as_text=True)
    assert "Kingsmead" not in spring


def test_filters_are_offered_and_bad_ones_refused(signed_in, moved):
    client = signed_in("aud.auditor")
    page = client.get("/reports/service?year=2026/27&process=reintegration&school=Kingsmead+High+School")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<option value="Kingsmead High School" selected>' in text and '<option value="reintegration" selected>' in text
    assert '<option value="spring" >' in text or '<option value="spring">' in text
    assert client.get("/reports/service?year=2026").status_code == 400
    assert client.get("/reports/service?term=winter").status_code == 400
    assert client.get("/reports/nothing").status_code == 404


def test_report_descriptions_name_their_documents_not_seed_numbers(signed_in):
    html = signed_in("ada.admin").get("/reports").get_data(as_text=True)
    assert "seed" not in html.lower()
    for _title, description, _build in REPORTS.values():
        assert not re.search(r"\(seed \d+\)|seed 0", description), description


def test_the_service_report_by_default_counts_outreach_requests_and_says_it_does(signed_in, web_world):
    """The process choice's default names the report's own process, and over the demo's outreach
    requests (two pupils, a group of eight) it shows them: not 0 pupils."""
    from cli.demo_data import _load_outreach
    from engine.dmn import documents_beside
    from tests.conftest import ROOT

    rt = web_world.runtime
    outreach = ROOT / "processes" / "outreach_support.bpmn"
    with rt.engine() as eng:
        eng.deploy(outreach.read_bytes(), str(outreach), "system", documents_beside(outreach))
    assert _load_outreach(rt) == 3
    html = signed_in("ada.admin").get("/reports/service").get_data(as_text=True)
    assert '<option value="">Outreach support (this report\'s process)</option>' in html
    assert "The report's own" not in html and '<option value="outreach_support"' not in html
    headline = dict(re.findall(r'<dt class="govuk-body-s govuk-!-margin-bottom-1">([^<]+)</dt><dd[^>]*>([^<]+)</dd>', html))
    assert headline["Pupils supported"] == "2" and headline["Pupils in groups"] == "8", headline
    chosen = signed_in("ada.admin").get("/reports/service?process=reintegration").get_data(as_text=True)
    assert '<option value="reintegration" selected>Reintegration from alternative provision</option>' in chosen
