"""The authority's calendar file (REINTEGRATE_CALENDAR), and a date outside every configured academic year:
refused naming the year, an incident when the scheduler meets it, and `reintegrate status` warning before
the calendar runs out, rather than holidays counted as school days."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from engine.heartbeat import beat
from engine.incidents import Incident
from engine.registry import HandlerRegistry
from engine.timers import fire_due
from schooling.policy import load_policy, load_site_policy
from tests.conftest import FIXTURES, Harness

#: 2025/26 only, as the shipped policy has it, and one INSET day of a school's own.
ONE_YEAR = """
[calendar]
terms = [["2025-09-01", "2025-10-24"], ["2025-11-03", "2025-12-19"], ["2026-01-05", "2026-02-13"],
         ["2026-02-23", "2026-03-27"], ["2026-04-13", "2026-05-22"], ["2026-06-01", "2026-07-20"]]
inset_days = ["2025-09-01", "2025-09-02", "2026-01-05", "2026-06-01", "2026-07-20"]
[calendar.school_inset_days]
"Kingsmead High School" = ["2026-04-13"]
"""


@pytest.fixture
def calendar_file(tmp_path):
    path = tmp_path / "our-calendar.toml"
    path.write_text(ONE_YEAR)
    return path


def test_reintegrate_calendar_names_the_authority_calendar_file(calendar_file, monkeypatch):
    monkeypatch.setenv("REINTEGRATE_CALENDAR", str(calendar_file))
    calendar = load_site_policy().school_calendar()  # the shipped policy, its calendar replaced by the file's
    assert calendar.terms[-1][1] == date(2026, 7, 20) and calendar.configured_years == {2025}
    # 20 school days from Thursday 5 March 2026: the Easter holiday (30 March to 10 April) does not count
    assert calendar.add_school_days(date(2026, 3, 5), 20) == date(2026, 4, 16)
    # a school's own INSET day (Monday 13 April 2026 at Kingsmead) moves its count on by one
    assert calendar.for_school("Kingsmead High School").add_school_days(date(2026, 3, 5), 20) == date(2026, 4, 17)
    monkeypatch.setenv("REINTEGRATE_CALENDAR", str(calendar_file.parent / "nowhere.toml"))
    with pytest.raises(ValueError, match="REINTEGRATE_CALENDAR is not a file: .*nowhere.toml"):
        load_site_policy()


def test_a_deadline_in_a_missing_year_is_refused_and_the_scheduler_records_an_incident(db_url, clock, calendar_file,
                                                                                       tmp_path):
    """The mini process's 3-day timer leads to a service task that sets a 20-school-day deadline from
    today: on 5 March 2026 it is 16 April 2026; on 10 July 2026 it would fall in 2026/27, which the
    calendar does not have, so the firing fails with the year named, the case stays as it was and an
    incident is open; the summer holiday is never counted as school days."""
    registry = HandlerRegistry()
    registry.add("echo", lambda ctx: {"due": ctx.policy.add("fair_access_school_days", ctx.now.date()).isoformat()})
    h = Harness(db_url, clock, registry, load_policy(calendar_file=calendar_file))
    h.add_people()
    text = (FIXTURES / "mini.bpmn").read_text().replace('sourceRef="too_slow" targetRef="end_late"',
                                                       'sourceRef="too_slow" targetRef="echo_answer"')
    (tmp_path / "mini.bpmn").write_text(text)
    h.deploy(tmp_path / "mini.bpmn")

    march = h.call("start_case", "mini", {"pupil_name": "Sam March"}, "ava.ap")["case_id"]
    clock.advance(days=3, minutes=1)  # Thursday 5 March 2026
    assert h.fire() == [{"case_id": march, "task": "too_slow"}]
    assert h.call("show_case", march)["data"]["due"] == "2026-04-16"

    clock.set(clock.now().replace(month=7, day=7))  # Tuesday 7 July 2026
    july = h.call("start_case", "mini", {"pupil_name": "Sam July"}, "ava.ap")["case_id"]
    clock.advance(days=3, minutes=1)  # Friday 10 July 2026
    report = fire_due(h.transaction, clock.now, "test")
    assert report.fired == []
    [failed] = report.failed
    assert failed["case_id"] == july and failed["incident"] is not None
    assert ("service task echo_answer (topic echo) failed: the school calendar has no term dates for 2026/27 "
            "(1 September 2026 to 31 August 2027); it has 2025/26 to 2025/26") in failed["error"]
    incident = h.query(lambda s: s.scalars(select(Incident).where(Incident.case_id == july)).one())
    assert incident.status == "open" and "no term dates for 2026/27" in incident.error
    case = h.call("show_case", july)
    assert case["status"] == "running" and "due" not in case["data"]
    assert [t["task"] for t in case["waiting_timers"]] == ["too_slow"]  # still waiting, to be retried


def test_status_warns_before_the_calendar_runs_out_and_once_it_has(harness, run_cli, calendar_file, monkeypatch):
    monkeypatch.setenv("REINTEGRATE_CALENDAR", str(calendar_file))
    with harness.sessions() as s:
        for day in ("2026-03-02", "2026-06-01", "2026-09-07"):  # a scheduler alive at each moment asked about
            beat(s, f"host-{day}:1", datetime.fromisoformat(f"{day}T08:59:30+00:00"))
        s.commit()
    code, out, _ = run_cli("status", "--json")  # Monday 2 March 2026: 140 days of terms left
    report = json.loads(out)
    assert code == 0 and report["calendar"] == {"ok": True, "years": ["2025/26"], "terms_end": "2026-07-20",
                                                "error": None, "unknown_schools": []}
    monkeypatch.setenv("REINTEGRATE_FAKE_NOW", "2026-06-01T09:00:00+00:00")  # 49 days left
    code, out, _ = run_cli("status")
    assert code == 1, out
    assert "calendar: 2025/26; terms end 2026-07-20" in out.splitlines()
    assert out.splitlines()[-1] == ("ATTENTION: the school calendar's term dates end on 2026-07-20 and it has none "
                                    "for 2026/27: add them before 1 September 2026, when deadlines start to be refused")
    monkeypatch.setenv("REINTEGRATE_FAKE_NOW", "2026-09-07T09:00:00+00:00")
    code, out, _ = run_cli("status", "--json")
    assert code == 1 and [a for a in json.loads(out)["attention"] if "calendar" in a] == [
        "the school calendar has no term dates for 2026/27, the academic year of today (2026-09-07): deadlines in "
        "it are refused until they are added"]


def test_status_names_a_school_whose_inset_days_match_no_register_entry(harness, run_cli, tmp_path, monkeypatch):
    """A school's INSET days under a misspelt name would close no school: its deadlines would count them as
    school days. `reintegrate status` says so, with the register's likely name."""
    path = tmp_path / "misspelt.toml"
    path.write_text(ONE_YEAR.replace('"Kingsmead High School" =', '"Nowhere Academy" = ["2026-04-14"]\n'
                                     '"Severn Vale Learning Centre" = ["2026-04-14"]\n"Kingsmead High Scool" ='))
    monkeypatch.setenv("REINTEGRATE_CALENDAR", str(path))
    with harness.sessions() as s:
        beat(s, "host:1", datetime.fromisoformat("2026-03-02T08:59:30+00:00"))
        s.commit()
    code, out, err = run_cli("status", "--json")
    report = json.loads(out or err)
    assert code == 1 and report["calendar"]["unknown_schools"] == [
        "the school calendar gives INSET days to 'Kingsmead High Scool', which is not in the organisations register "
        "(did you mean 'Kingsmead High School'?): they close no school until the name matches",
        "the school calendar gives INSET days to 'Nowhere Academy', which is not in the organisations register: "
        "they close no school until the name matches"]
    assert report["attention"] == report["calendar"]["unknown_schools"]
