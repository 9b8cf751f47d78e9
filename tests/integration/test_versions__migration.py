"""New versions of a process while cases run: old cases stay, new ones start on the latest, and a
case moved to a new version keeps its deadlines; moving work that was done is refused."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from cli import scenarios as s
from engine.errors import Conflict, Forbidden
from engine.models import OutboxMessage
from engine.versions import MigrationRefused
from tests.conftest import REINTEGRATION

ACTORS = {"ap_setting": "ava.ap", "la_admissions": "lee.la", "host_school": "hana.host", "home_school": "omar.home"}
NOTES_FIELD = ('<camunda:formField id="place_offered_date"',
               '<camunda:formField id="offer_notes" label="Notes on the offer" type="string" />\n'
               '          <camunda:formField id="place_offered_date"')
CONSENT_FIELD = ('<camunda:formField id="consent_date"',
                 '<camunda:formField id="consent_witness" label="Witness" type="string" />\n'
                 '          <camunda:formField id="consent_date"')


def version(tmp_path, name: str, *edits: tuple[str, str]):
    text = REINTEGRATION.read_text()
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text)
    return path


def run(h, case_id: str, until: str) -> None:
    for element, data in s.HAPPY_PATH.items():
        if element == until:
            return
        task = h.task(case_id, element)
        h.complete(case_id, element, data, ACTORS[task["lane"]])


@pytest.fixture
def h(harness):
    harness.deploy(REINTEGRATION)
    harness.clock.set(datetime(2027, 1, 4, 9, tzinfo=UTC))
    return harness


def test_old_cases_finish_on_v1_new_ones_start_on_v2(h, tmp_path):
    old = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    assert h.deploy(version(tmp_path, "v2.bpmn", NOTES_FIELD)) == {"process": "reintegration", "version": 2,
                                                                    "created": True, "active": 2,
                                                                    "message": "reintegration v2 deployed: new cases start on it"}
    assert h.deploy(version(tmp_path, "v2-again.bpmn", NOTES_FIELD))["created"] is False
    new = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    assert h.call("show_case", old)["version"] == 1 and h.call("show_case", new)["version"] == 2
    run(h, old, "never")
    run(h, new, "allocate_place")
    form = [f["id"] for f in h.task(new, "allocate_place")["form"]]
    assert "offer_notes" in form
    assert h.call("show_case", old)["status"] == "completed"
    counts = {v["version"]: v["cases"] for v in h.call("versions")}
    assert counts == {1: 1, 2: 1}
    diff = h.call("diff_versions", "reintegration", 1, 2)
    assert diff["added"] == [] and diff["removed"] == [] and list(diff["changed"]) == ["allocate_place"]


def test_migration_keeps_the_twenty_school_day_deadline_and_can_be_reverted(h, tmp_path):
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    run(h, case_id, "allocate_place")
    before = h.call("show_case", case_id)
    h.deploy(version(tmp_path, "v2.bpmn", NOTES_FIELD))
    h.clock.set(datetime(2027, 2, 1, 9, tzinfo=UTC))  # a week later: a restarted timer would move
    with pytest.raises(Forbidden):
        h.call("migrate_case", case_id, 2, "ava.ap")
    dry = h.call("migrate_case", case_id, 2, "ada.admin", dry_run=True)
    assert dry["affected"] == ["allocate_place", "allocate_place_reminder", "fair_access_deadline_missed"]
    assert h.call("show_case", case_id)["version"] == 1
    moved = h.call("migrate_case", case_id, 2, "ada.admin")
    assert (moved["from"], moved["to"]) == (1, 2)
    after = h.call("show_case", case_id)
    assert after["version"] == 2
    assert after["waiting_timers"] == before["waiting_timers"]
    assert h.task(case_id, "allocate_place")["due"] == before["data"]["fair_access_deadline"]
    assert "offer_notes" in [f["id"] for f in h.task(case_id, "allocate_place")["form"]]
    assert h.call("replay", case_id, verify=True)["ok"]

    reverted = h.call("migrate_case", case_id, None, "ada.admin")
    assert (reverted["from"], reverted["to"]) == (2, 1)
    assert h.call("show_case", case_id)["waiting_timers"] == before["waiting_timers"]
    with pytest.raises(Conflict, match="already on version 1"):
        h.call("migrate_case", case_id, 1, "ada.admin")
    h.complete(case_id, "allocate_place", s.HAPPY_PATH["allocate_place"], "lee.la")
    assert h.call("replay", case_id, verify=True)["ok"]
    kinds = [e["kind"] for e in h.call("history", case_id)]
    assert kinds.count("version_migrated") == 2


def test_migration_is_refused_where_done_work_changed(h, tmp_path):
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    run(h, case_id, "gather_information")  # consent recorded
    h.deploy(version(tmp_path, "v2.bpmn", CONSENT_FIELD))
    before = h.call("show_case", case_id)
    with pytest.raises(MigrationRefused, match="record_parental_consent was done in this case and is changed"):
        h.call("migrate_case", case_id, 2, "ada.admin")
    assert h.call("show_case", case_id) == before
    fresh = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    assert h.call("show_case", fresh)["version"] == 2


BEFORE_FAIR_ACCESS_MOVES = Path(__file__).resolve().parents[1] / "fixtures" / "reintegration_v_before_fair_access_moves.bpmn"
#: The Fair Access forms of that version: host school on the decision, confirmation on the allocation.
OLD_FORMS = {"record_fair_access_decision": {**s.HAPPY_PATH["record_fair_access_decision"],
                                             "host_school": "Kingsmead High School", "panel": "virtual"},
             "allocate_place": {"place_offered_date": "2027-02-08", "host_school_confirmed": True}}


def old_run(h, case_id: str, until: str) -> None:
    """Along the happy path on the old version, from the first of its tasks that is ready."""
    started = False
    for element, data in {**s.HAPPY_PATH, **OLD_FORMS}.items():
        if element == until:
            return
        started = started or element in {t["task"] for t in h.call("show_case", case_id)["ready_tasks"]}
        if started and element not in ("confirm_host_place", "offer_visit", "complete_leavers_form"):
            h.complete(case_id, element, data, ACTORS[h.task(case_id, element)["lane"]])


def test_cases_running_on_the_version_before_the_fair_access_moves_keep_their_deadlines(harness, tmp_path):
    """The shipped diagram deployed over the one before Fair Access had three moves: a case waiting for its
    place keeps its 20-school-day deadline and finishes on its own version; a case still waiting for consent
    moves and runs the three moves; one past them is refused, with the reason, and unchanged."""
    h = harness
    h.deploy(BEFORE_FAIR_ACCESS_MOVES)
    h.clock.set(datetime(2027, 1, 4, 9, tzinfo=UTC))
    waiting = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    old_run(h, waiting, "allocate_place")
    early = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    # (no step taken yet: the consent gates changed too)
    before = h.call("show_case", waiting)
    # 25 January 2027 + 20 school days (February half-term 15-19 Feb): Monday 1 March 2027
    assert before["data"]["fair_access_deadline"] == "2027-03-01"
    assert h.deploy(REINTEGRATION)["version"] == 2
    h.clock.set(datetime(2027, 2, 1, 9, tzinfo=UTC))
    with pytest.raises(MigrationRefused, match="record_fair_access_decision was done in this case and is changed"):
        h.call("migrate_case", waiting, 2, "ada.admin")
    after = h.call("show_case", waiting)
    assert after["version"] == 1 and after["waiting_timers"] == before["waiting_timers"]
    assert h.task(waiting, "allocate_place")["due"] == "2027-03-01"
    old_run(h, waiting, "never")
    assert h.call("show_case", waiting)["status"] == "completed"

    moved = h.call("migrate_case", early, 2, "ada.admin")
    assert (moved["from"], moved["to"]) == (1, 2)
    for element in ("record_parental_consent", "gather_information", "record_child_views",
                    "record_fair_access_decision", "allocate_place", "confirm_host_place"):
        h.complete(early, element, s.HAPPY_PATH[element], ACTORS[h.task(early, element)["lane"]])
    case = h.call("show_case", early)
    assert case["version"] == 2 and case["data"]["fair_access_deadline"] == "2027-03-01"
    assert [a["host_school"] for a in case["data"]["fair_access_attempts"]] == ["Kingsmead High School"]
    assert h.call("replay", early, verify=True)["ok"] and h.call("replay", waiting, verify=True)["ok"]


BEFORE_OUTCOME_CHANGES = Path(__file__).resolve().parents[1] / "fixtures" / "reintegration_v_before_outcome_changes.bpmn"


def v1_run(h, case_id: str, path: dict, until: str) -> None:
    """Along `path` up to `until`, passing over the tasks of the other outcome."""
    for element, data in path.items():
        if element == until:
            return
        if element in {t["task"] for t in h.call("show_case", case_id)["ready_tasks"]}:
            h.complete(case_id, element, data, ACTORS[h.task(case_id, element)["lane"]])


def test_cases_running_on_the_version_before_the_outcome_changes_keep_their_deadlines(harness):
    """The shipped diagram deployed over the one before the unsuccessful outcome's new steps (issue 17, items 5 and
    11): a case in its placement moves with its review deadlines, takes the emergency review's next date and, when
    a later emergency review ends it, runs the head's checks and the deletion from the roll. A case whose emergency
    review was held under the old form, one past its final outcome and one waiting for its Leavers Form are refused
    with the reason and finish on their own version with their own due dates (the LA's notice citing the 2024
    regulations all the same)."""
    h = harness
    h.deploy(BEFORE_OUTCOME_CHANGES)
    h.clock.set(datetime(2027, 1, 4, 9, tzinfo=UTC))
    cases = {name: h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
             for name in ("placement", "outcome", "emergency", "leavers")}
    v1_run(h, cases["placement"], s.HAPPY_PATH, "interim_review_1")
    v1_run(h, cases["outcome"], s.UNSUCCESSFUL_PATH, "record_unsuccessful_outcome")
    v1_run(h, cases["emergency"], s.HAPPY_PATH, "interim_review_1")
    h.call("send_message", cases["emergency"], "emergency_review_requested", {"reason": "fight"}, "hana.host")
    h.complete(cases["emergency"], "hold_emergency_review", s.EMERGENCY_REVIEW_CONTINUE, "hana.host")
    v1_run(h, cases["leavers"], s.HAPPY_PATH, "complete_leavers_form")
    before = {name: h.call("show_case", case_id) for name, case_id in cases.items()}
    assert h.task(cases["leavers"], "complete_leavers_form")["due"] == "2027-04-19"
    assert {t["task"]: t["due"] for t in before["placement"]["waiting_timers"]}["interim_review_1_overdue"] == (
        "2027-03-16T09:00:00+00:00")

    assert h.deploy(REINTEGRATION)["version"] == 2
    h.clock.set(datetime(2027, 3, 3, 10, tzinfo=UTC))  # weeks later: a restarted timer would move
    for name, done in (("emergency", "hold_emergency_review"), ("leavers", "notify_la_success"),
                       ("outcome", "placement_outcome")):
        with pytest.raises(MigrationRefused, match=f"{done} was done in this case and is changed"):
            h.call("migrate_case", cases[name], 2, "ada.admin")
        assert h.call("show_case", cases[name]) == before[name]
    assert h.task(cases["leavers"], "complete_leavers_form")["due"] == "2027-04-19"
    h.complete(cases["leavers"], "complete_leavers_form", s.HAPPY_PATH["complete_leavers_form"], "ava.ap")
    assert h.call("show_case", cases["leavers"])["status"] == "completed"
    v1_form = {k: v for k, v in s.UNSUCCESSFUL_PATH["record_unsuccessful_outcome"].items()
               if k not in ("warnings_given", "suspensions", "other_measures")}  # the evidence fields are new
    h.complete(cases["outcome"], "record_unsuccessful_outcome", v1_form, "omar.home")
    old = h.call("show_case", cases["outcome"])
    assert old["status"] == "completed" and old["version"] == 1
    assert s.UNSUCCESSFUL_PATH["record_unsuccessful_outcome"]["reasons_for_failure"] in old["data"]["failure_letter"]
    notice = h.query(lambda ses: ses.scalar(select(OutboxMessage.body).where(
        OutboxMessage.case_id == cases["outcome"], OutboxMessage.kind == "la_outcome")))
    assert "Regulations 2024" in " ".join(notice.split()) and "2006" not in notice

    moved = h.call("migrate_case", cases["placement"], 2, "ada.admin")
    assert (moved["from"], moved["to"]) == (1, 2)
    after = h.call("show_case", cases["placement"])
    assert after["version"] == 2 and after["waiting_timers"] == before["placement"]["waiting_timers"]
    assert h.task(cases["placement"], "interim_review_1")["due"] == "2027-03-15"
    h.call("send_message", cases["placement"], "emergency_review_requested", {"reason": "fight"}, "hana.host")
    h.complete(cases["placement"], "hold_emergency_review",
               {**s.EMERGENCY_REVIEW_CONTINUE, "meeting_date": "2027-03-03", "next_review_date": "2027-03-17"}, "hana.host")
    assert h.task(cases["placement"], "interim_review_1")["due"] == "2027-03-17"
    h.call("send_message", cases["placement"], "emergency_review_requested", {"reason": "assault"}, "hana.host")
    h.complete(cases["placement"], "hold_emergency_review", s.EMERGENCY_REVIEW_END, "hana.host")
    for element in ("record_unsuccessful_outcome", "confirm_failure_decision", "remove_from_roll"):
        h.complete(cases["placement"], element, s.UNSUCCESSFUL_PATH[element],
                   ACTORS[h.task(cases["placement"], element)["lane"]])
    done = h.call("show_case", cases["placement"])
    assert done["status"] == "completed" and done["data"]["deletion_return"]["ground"] == "regulation 9(1)(c)"
    assert "Dr Alan Price\nHead Teacher, Kingsmead High School" in done["data"]["failure_letter"]
    for case_id in cases.values():
        assert h.call("replay", case_id, verify=True)["ok"], case_id
