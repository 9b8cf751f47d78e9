"""Printable views of the Worcestershire protocol's forms as filled in (consent, information, child's views, initial
meeting, each review, the outcome forms) and of the failure letter: who may see them, what they hold,
and free text always escaped, on every printable page and in the CSV export."""
from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest

from tests.conftest import TEST_READ
from tests.integration.reintegration_cases import EMERGENCY_END_PATH, FORMS, HAPPY, drive
from tests.integration.test_web__access_matrix import SEES_DEMO, USERS

SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
#: A free-text field on every printable form, typed with a script in it.
TYPED = {"start": {"parent_name": f"Sam {SCRIPT}"},
         "record_parental_consent": {"parent_name": f"Sam {SCRIPT}", "relationship": f"Mother {SCRIPT}"},
         "gather_information": {"reasons_for_reintegration": f"Ready {SCRIPT}"},
         "record_child_views": {"aspirations": f"Mechanic {SCRIPT}"},
         "hold_initial_meeting": {"reasons": f"Progress {SCRIPT}"},
         "hold_emergency_review": {"reasons": f"Assault {SCRIPT}"},
         "record_unsuccessful_outcome": {"reasons_for_failure": f"Walk-outs {SCRIPT}"},
         "confirm_failure_decision": {"decision_reasons": f"Assault {SCRIPT}"},
         "remove_from_roll": {"pupil_address": f"1 Orchard Way {SCRIPT}"}}


@pytest.fixture
def failed(web_world):
    return drive(web_world.runtime, EMERGENCY_END_PATH, pupil="Fay Failed", changes=TYPED).case_id


@pytest.fixture
def succeeded(web_world):
    return drive(web_world.runtime, HAPPY, pupil="Sid Success").case_id


def _links(html: str, case_id: str) -> list[str]:
    return re.findall(rf'href="(/cases/{case_id}/forms/[^"]+)"', html)


def test_index_lists_each_filled_form_and_each_review(succeeded, failed, signed_in):
    client = signed_in("omar.home")
    done = client.get(f"/cases/{succeeded}/forms").get_data(as_text=True)
    links = _links(done, succeeded)
    assert links[:4] == [f"/cases/{succeeded}/forms/{slug}"
                         for slug in ("consent", "information", "child-views", "initial-meeting")]
    assert len(links) == 8 and all(re.fullmatch(rf"/cases/{succeeded}/forms/review/\d+", link) for link in links[4:7])
    assert links[7] == f"/cases/{succeeded}/forms/successful-outcome"
    assert "failure-letter" not in done
    ended = client.get(f"/cases/{failed}/forms").get_data(as_text=True)
    assert f"/cases/{failed}/forms/review" in ended and f"/cases/{failed}/forms/unsuccessful-outcome" in ended
    assert f"/cases/{failed}/forms/failure-letter" in ended and "draft" not in ended


def test_each_review_prints_its_own_answers(succeeded, signed_in, web_world):
    client = signed_in("hana.host")
    index = client.get(f"/cases/{succeeded}/forms").get_data(as_text=True)
    reviews = [link for link in _links(index, succeeded) if "/review/" in link]
    from cli import scenarios as s

    for link, element, title in zip(reviews, ("interim_review_1", "interim_review_2", "final_review"),
                                    ("Hold first interim review", "Hold second interim review", "Hold final review"),
                                    strict=True):
        html = client.get(link).get_data(as_text=True)
        assert "<h1 class=\"govuk-heading-l\">Reintegration Review (or Emergency Review) Meeting</h1>" in html
        assert title in html and s.HAPPY_PATH[element]["progress"] in html
        others = {"interim_review_1", "interim_review_2", "final_review"} - {element}
        assert not any(s.HAPPY_PATH[o]["progress"] in html for o in others)
        assert "Recorded in the service by hana.host" in html and "Signatures" in html
    latest = client.get(f"/cases/{succeeded}/forms/review").get_data(as_text=True)
    assert s.HAPPY_PATH["final_review"]["progress"] in latest


def test_forms_hold_their_fields_in_the_seeds_words(succeeded, signed_in):
    from cli import scenarios as s

    client = signed_in("ava.ap")
    consent = client.get(f"/cases/{succeeded}/forms/consent").get_data(as_text=True)
    assert "Reintegration Consent Form" in consent and "I agree for the current setting to approach" in consent
    assert "Does the parent agree to a reintegration?</th><td class=\"govuk-table__cell\">Yes</td>" in consent
    assert "11 January 2027" in consent and "Sid Success" in consent and "14 May 2012" in consent
    info = client.get(f"/cases/{succeeded}/forms/information").get_data(as_text=True)
    grid = info[info.index("One tick for each category"):info.index("</table>", info.index("One tick"))]
    assert grid.count("ticked") == 5 and "Overall satisfactory" in grid
    homework = grid[grid.index(">Homework</th>"):].split("</tr>")[0].split("app-print-grid__tick")[1:]
    assert ["ticked" in cell for cell in homework] == [False, False, True]  # good, satisfactory, poor
    assert "Date parental consent gained" in info and "11 January 2027" in info
    assert s.HAPPY_PATH["gather_information"]["measures_taken"] in info
    views = client.get(f"/cases/{succeeded}/forms/child-views").get_data(as_text=True)
    assert s.HAPPY_PATH["record_child_views"]["aspirations"] in views
    meeting = client.get(f"/cases/{succeeded}/forms/initial-meeting").get_data(as_text=True)
    assert "Kingsmead High School" in meeting and s.HAPPY_PATH["hold_initial_meeting"]["named_contact"] in meeting
    outcome = client.get(f"/cases/{succeeded}/forms/successful-outcome").get_data(as_text=True)
    assert "SUCCESSFUL Reintegration Outcome Form" in outcome and "19 April 2027" in outcome
    assert client.get(f"/cases/{succeeded}/forms/unsuccessful-outcome").status_code == 404
    assert client.get(f"/cases/{succeeded}/forms/failure-letter").status_code == 404
    assert client.get(f"/cases/{succeeded}/forms/no-such-form").status_code == 404
    assert client.get(f"/cases/{succeeded}/forms/review/1").status_code == 404  # event 1 is no review


def test_failure_letter_is_the_one_the_case_sent(failed, signed_in, web_world):
    with web_world.runtime.engine() as eng:
        stored = eng.show_case(failed, viewer=TEST_READ)["data"]["failure_letter"]
    html = signed_in("omar.home").get(f"/cases/{failed}/forms/failure-letter").get_data(as_text=True)
    letter = html[html.index('id="letter"'):]
    paragraphs = re.findall(r'<p class="govuk-body app-pre">(.*?)</p>', letter, re.S)
    assert len(paragraphs) == len(stored.split("\n\n")) and paragraphs[0].startswith("Dear Sam ")
    assert "Draft" not in html and "Yours sincerely" in letter


def test_the_draft_letter_lists_every_meeting_the_sent_letter_will(web_world, signed_in):
    """Before the head signs, the draft on the forms page lists each meeting held (the initial meeting, each
    review, the emergency review) from the case's history, exactly as the letter the case then sends."""
    path = [*HAPPY[:HAPPY.index("interim_review_2")],
            *EMERGENCY_END_PATH[EMERGENCY_END_PATH.index("emergency_review_requested"):][:3]]
    case_id = drive(web_world.runtime, path, pupil="Dee Draft").case_id
    client = signed_in("omar.home")

    def meetings(text: str) -> list[str]:
        text = html.unescape(re.sub(r"<[^>]+>", "\n", text))  # the page's paragraphs as the letter's lines
        return re.findall(r"^- ([A-Z][a-z ]+(?:meeting|review), \d+ [A-Z][a-z]+ \d{4}.*)$", text, re.M)

    draft_html = client.get(f"/cases/{case_id}/forms/failure-letter").get_data(as_text=True)
    assert "Draft" in draft_html
    drafted = meetings(draft_html)
    assert [m.split(",")[0] for m in drafted] == ["Initial reintegration meeting", "First interim review",
                                                  "Emergency review"], drafted
    with web_world.runtime.engine() as eng:
        task = next(t for t in eng.show_case(case_id, viewer=TEST_READ)["ready_tasks"]
                    if t["task"] == "confirm_failure_decision")
        eng.complete_task(task["task_id"], FORMS["confirm_failure_decision"], "hana.host")
        sent = eng.show_case(case_id, viewer=TEST_READ)["data"]["failure_letter"]
    assert meetings(sent) == drafted


def test_only_those_who_see_the_case_may_print_it(web_world, signed_in):
    case_id = web_world.placement  # the demo case: consent filled, at its first interim review
    for name in USERS:
        client = signed_in(name)
        expected = 200 if name in SEES_DEMO else 404
        for path in (f"/cases/{case_id}/forms", f"/cases/{case_id}/forms/consent",
                     f"/cases/{case_id}/forms/initial-meeting"):
            assert client.get(path).status_code == expected, (name, path)
        assert client.get(f"/cases/{case_id}/forms/failure-letter").status_code == 404


def test_script_typed_into_a_form_comes_out_escaped_everywhere(failed, signed_in):
    client = signed_in("aud.auditor")
    index = client.get(f"/cases/{failed}/forms").get_data(as_text=True)
    pages = [*_links(index, failed), f"/cases/{failed}/audit/print", f"/cases/{failed}/audit"]
    pages += [f"/cases/{failed}/audit?step={n}" for n in range(1, 20)]
    # consent, information, views, meeting, emergency review, outcome, the head's decision, the deletion, letter
    assert len(_links(index, failed)) == 9
    for path in pages:
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert SCRIPT not in html and "<script>alert" not in html, path
        if "/audit" not in path:
            assert ESCAPED in html, path
    exported = client.get(f"/cases/{failed}/audit/history.csv")
    assert exported.mimetype == "text/csv" and exported.headers["Content-Disposition"].startswith("attachment")
    assert exported.headers["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    typed = [json.loads(r["data"]).get("data", {}) for r in rows]
    found = sorted(v for values in typed for v in values.values() if isinstance(v, str) and SCRIPT in v)
    assert found == sorted(v for values in TYPED.values() for v in values.values())  # intact, as data
    assert all(not cell.startswith("<") for r in rows for cell in r.values())  # never a markup cell


def test_the_index_lists_reviews_by_the_date_of_their_meeting_not_the_day_recorded(succeeded, signed_in, web_world):
    from engine.people_dates import people_date

    index = signed_in("hana.host").get(f"/cases/{succeeded}/forms").get_data(as_text=True)
    shown = re.findall(r'/forms/review/\d+">([^<]+), <time datetime="([^"]+)">([^<]+)</time>', index)
    with web_world.runtime.engine() as eng:
        recorded = {e["element"]: e["at"] for e in eng.history(succeeded, viewer=TEST_READ)
                    if e["kind"] == "task_completed"}
    meetings = [("Hold first interim review", "2027-03-15"), ("Hold second interim review", "2027-03-26"),
                ("Hold final review", "2027-04-16")]
    assert shown == [(title, held, people_date(held)) for title, held in meetings], shown
    # Each review is recorded on or after its meeting (a date that happened is never in the future): one
    # recorded on a later day is still listed by its meeting, never by the day it was recorded.
    held_on = {"interim_review_1": "2027-03-15", "interim_review_2": "2027-03-26", "final_review": "2027-04-16"}
    late = [e for e, held in held_on.items() if recorded[e][:10] != held]
    assert all(people_date(recorded[e]) not in index for e in late)
