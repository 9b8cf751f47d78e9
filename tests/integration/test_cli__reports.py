"""`reintegrate report NAME --year Y [--term T] [--school S] [--format table|csv|json]` over cases the
command line started: the table, CSV and JSON agree; bad filters exit 2 with one line; the half-termly
timetable list is still `report timetables --half-term`; `report rebuild-facts` rewrites the facts."""
from __future__ import annotations

import csv
import io
import json

import pytest

from cli import scenarios as s
from tests.conftest import ROOT

OUTREACH = ROOT / "processes" / "outreach_support.bpmn"


@pytest.fixture
def cli(run_cli):
    run = run_cli
    assert run("init-db")[0] == 0
    assert run("user", "add", "sue.senco", "--role", "home_school", "--org", s.OUTREACH_REQUEST["home_school"])[0] == 0
    for gender in ("female", "male", "male"):
        data = json.dumps({**s.OUTREACH_REQUEST, "gender": gender})
        assert run("case", "start", "outreach_support", "--data", data, "--as", "sue.senco")[0] == 0
    return run


def test_table_csv_and_json_agree(cli):
    code, out, _ = cli("report", "service", "--year", "2025/26")
    assert code == 0 and "Service figures  (year 2025/26)" in out
    assert "  Pupils supported: 3" in out and "Girls" in out
    code, out, _ = cli("report", "service", "--year", "2025/26", "--format", "csv")
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == ["Service figures", "year=2025/26"] and ["Pupils supported", "3"] in table
    assert ["Girls", "1", "33.3"] in table and ["Boys", "2", "66.7"] in table
    code, out, _ = cli("report", "service", "--year", "2025/26", "--term", "spring", "--json")
    result = json.loads(out)
    assert result["filters"] == {"year": "2025/26", "term": "spring", "school": None, "process": None}
    breakdown = next(x for x in result["sections"] if x["id"] == "breakdown")
    assert breakdown["rows"][0] == {"group": "Girls", "count": 1, "percent": 33.3}
    assert json.loads(cli("report", "service", "--year", "2025/26", "--term", "autumn", "--json")[1])["headline"][0] == {
        "label": "Pupils supported", "value": 0}
    for name in ("semh-kpis", "costs", "weightings", "timetables"):
        code, out, _ = cli("report", name, "--year", "2025/26", "--school", "Hollybrook High School", "--format", "json")
        assert code == 0 and json.loads(out)["report"] == name


def test_bad_filters_and_the_half_term_list(cli):
    code, _, err = cli("report", "costs", "--year", "2025")
    assert code == 2 and err.strip().endswith("year: '2025' is not an academic year such as 2025/26")
    code, _, err = cli("report", "costs", "--term", "winter")
    assert code == 2 and "term: 'winter' is not a term: give autumn, spring or summer" in err
    code, out, _ = cli("report", "timetables", "--half-term", "--json")
    assert code == 0 and json.loads(out)["half_term"] == "2025/26 spring 1"  # the half term that last ended
    code, out, _ = cli("report", "rebuild-facts", "--json")
    assert code == 0 and json.loads(out) == {"cases": 3}
    assert "Pupils supported: 3" in cli("report", "service")[1]  # this year by default


def test_an_exclusion_with_no_core_place_to_withdraw_lowers_the_allowance(run_cli):
    assert run_cli("init-db")[0] == 0
    assert run_cli("user", "add", "lee.la", "--role", "la_admissions", "--org", "Worcestershire County Council")[0] == 0
    code, out, _ = run_cli("semh", "exclusion", "Hollybrook High School", "--date", "2026-03-02", "--as", "lee.la")
    assert code == 0 and "no core place of 2025/26 spring to withdraw; its allowance for the term is now 1" in out
    code, out, _ = run_cli("semh", "places", "2025/26 spring", "--json")
    assert code == 0 and json.loads(out)["Hollybrook High School"]["allowance"] == 1
