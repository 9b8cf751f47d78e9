"""The organisations register on the web: a party field is a choice from it, a name that is not in it
is refused with the closest ones; admins manage the register and resolve what matches no entry."""
from __future__ import annotations

import html
import re

from cli import scenarios as s
from tests.conftest import TEST_READ
from tests.web_helpers import post


def _decision_form(host_school: str) -> dict:
    """The Fair Access decision of the scenarios as the task page posts it (dates in three inputs)."""
    data: dict[str, str] = {}
    for k, v in s.HAPPY_PATH["record_fair_access_decision"].items():
        if isinstance(v, bool):
            data[k] = "true" if v else "false"
        elif re.match(r"^\d{4}-\d{2}-\d{2}$", str(v)):
            year, month, day = v.split("-")
            data.update({f"{k}-day": day, f"{k}-month": month, f"{k}-year": year})
        else:
            data[k] = str(v)
    return {**data, "host_school": host_school}


def test_the_fair_access_host_school_is_a_choice_and_a_misspelt_one_is_refused(web_world, signed_in):
    case_id = web_world.case_with("record_fair_access_decision")
    task = web_world.task_id(case_id, "record_fair_access_decision")
    lee = signed_in("lee.la")
    page = lee.get(f"/tasks/{task}").get_data(as_text=True)
    select = re.search(r'<select class="govuk-select[^"]*" id="host_school" name="host_school"[^>]*>(.*?)</select>',
                       page, re.S)
    assert select is not None and 'data-module="organisation-autocomplete"' in page
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    assert ("kingsmead-high-school", "Kingsmead High School") in options
    assert all(text not in {"Severn Vale Learning Centre", "Worcestershire County Council"} for _, text in options)
    refused = post(lee, f"/tasks/{task}", _decision_form("Kingsmead high school"))
    assert refused.status_code == 400
    text = html.unescape(refused.get_data(as_text=True))
    assert ("Host school 'Kingsmead high school' is not in the organisations register; "
            "did you mean 'Kingsmead High School'?") in text
    assert web_world.task_id(case_id, "record_fair_access_decision") == task  # nothing was completed
    done = post(lee, f"/tasks/{task}", _decision_form("kingsmead-high-school"))
    assert done.status_code == 302
    with web_world.runtime.engine() as eng:
        assert eng.show_case(case_id, viewer=TEST_READ)["data"]["host_school"] == "Kingsmead High School"
