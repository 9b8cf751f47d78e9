"""The organisations register on the web: a party field is a choice from it, a name that is not in it
is refused with the closest ones; admins manage the register and resolve what matches no entry."""
from __future__ import annotations

import html
import re

from cli import scenarios as s
from tests.conftest import TEST_READ, _placement_case
from tests.web_helpers import post


def _offer_form(web_world, host_school: str) -> dict:
    """The scenarios' offer of a place at a host school as the task page posts it (dates in three inputs,
    moved as the demo's are to fall around the web tests' today)."""
    from cli.demo_data import _shifted, shift_days

    rt = web_world.runtime
    days = shift_days(rt.clock.now().date())
    data: dict[str, str] = {}
    for k, v in _shifted(s.HAPPY_PATH["allocate_place"], days, rt.policy.school_calendar()).items():
        if isinstance(v, bool):
            data[k] = "true" if v else "false"
        elif re.match(r"^\d{4}-\d{2}-\d{2}$", str(v)):
            year, month, day = v.split("-")
            data.update({f"{k}-day": day, f"{k}-month": month, f"{k}-year": year})
        else:
            data[k] = str(v)
    return {**data, "host_school": host_school}


def test_the_host_school_is_a_choice_and_a_misspelt_one_is_refused(web_world, signed_in):
    case_id = _placement_case(web_world.runtime, "allocate_place")
    task = web_world.task_id(case_id, "allocate_place")
    lee = signed_in("lee.la")
    page = lee.get(f"/tasks/{task}").get_data(as_text=True)
    select = re.search(r'<select class="govuk-select[^"]*" id="host_school" name="host_school"[^>]*>(.*?)</select>',
                       page, re.S)
    assert select is not None and 'data-module="organisation-autocomplete"' in page
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    assert ("kingsmead-high-school", "Kingsmead High School") in options
    assert all(text not in {"Severn Vale Learning Centre", "Worcestershire County Council"} for _, text in options)
    refused = post(lee, f"/tasks/{task}", _offer_form(web_world, "Kingsmead high school"))
    assert refused.status_code == 400
    text = html.unescape(refused.get_data(as_text=True))
    assert ("Host school 'Kingsmead high school' is not in the organisations register; "
            "did you mean 'Kingsmead High School'?") in text
    assert web_world.task_id(case_id, "allocate_place") == task  # nothing was completed
    checked = post(lee, f"/tasks/{task}", _offer_form(web_world, "kingsmead-high-school"))  # the offer is checked
    assert checked.status_code == 200 and "Kingsmead High School" in _text(checked)
    assert web_world.task_id(case_id, "allocate_place") == task
    done = post(lee, f"/tasks/{task}/confirm", _offer_form(web_world, "kingsmead-high-school"))
    assert done.status_code == 302
    with web_world.runtime.engine() as eng:
        assert eng.show_case(case_id, viewer=TEST_READ)["data"]["host_school"] == "Kingsmead High School"


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_only_admins_have_the_organisations_page(signed_in):
    assert signed_in("ada.admin").get("/admin/organisations").status_code == 200
    for name in ("lee.la", "aud.auditor", "hana.host"):
        client = signed_in(name)
        assert client.get("/admin/organisations").status_code == 403
        assert post(client, "/admin/organisations", {"name": "X School", "kind": "school"}).status_code == 403
    page = _text(signed_in("ada.admin").get("/admin/organisations"))
    assert "Every case party and every account points at a register entry." in page
    assert "<code>kingsmead-high-school</code>" in page and ">Organisations</strong>" in page  # the current page


def test_an_admin_adds_an_entry_and_a_bad_one_is_refused_with_its_reason(web_world, signed_in):
    ada = signed_in("ada.admin")
    added = post(ada, "/admin/organisations", {"name": "Droitwich Spa High School", "kind": "school",
                                                "authority": "worcestershire-county-council", "urn": "123456"})
    assert added.status_code == 302
    page = _text(ada.get("/admin/organisations"))
    assert "Droitwich Spa High School added to the register" in page and "123456" in page
    bad = post(ada, "/admin/organisations", {"name": "Kingsmead high school", "kind": "school",
                                              "authority": "worcestershire-county-council"})
    assert bad.status_code == 400
    assert "'Kingsmead High School' (kingsmead-high-school) is already in the register" in _text(bad)
    bad = post(ada, "/admin/organisations", {"name": "Pershore School", "kind": "school", "urn": "12"})
    assert bad.status_code == 400 and "a DfE URN is 6 or 7 digits" in _text(bad)
    assert 'value="Pershore School"' in bad.get_data(as_text=True)  # the answers are kept


def test_an_admin_imports_a_file_and_a_bad_file_changes_nothing(web_world, signed_in):
    import io

    ada = signed_in("ada.admin")

    def upload(content: bytes, name: str = "more.csv"):
        token = re.search(r'name="csrf_token" value="([^"]+)"', ada.get("/admin/organisations").get_data(as_text=True))
        return ada.post("/admin/organisations/import", content_type="multipart/form-data",
                        data={"csrf_token": token.group(1), "file": (io.BytesIO(content), name)})

    good = upload(b"id,name,kind,authority,urn\n,Pershore Learning Hub,ap_setting,worcestershire-county-council,\n")
    assert good.status_code == 302
    assert "more.csv: 1 added, 0 updated, 0 unchanged" in _text(ada.get("/admin/organisations"))
    bad = upload(b"id,name,kind,authority,urn\n,Evesham School,school,worcestershire-county-council,\n"
                 b",Nowhere School,school,Warwickshire,\n", "bad.csv")
    assert bad.status_code == 400
    assert "bad.csv:3: authority 'Warwickshire' is not in the organisations register" in _text(bad)
    assert "Evesham School" not in _text(ada.get("/admin/organisations"))
    assert upload(b"\xff\xfe\x00", "binary.csv").status_code == 400


def test_an_admin_resolves_a_name_that_matches_no_entry(web_world, signed_in):
    from sqlalchemy import update

    from engine.organisations import Organisation

    with web_world.runtime.engine() as eng:  # the other AP's case now names a school the register calls otherwise
        eng.session.execute(update(Organisation).where(Organisation.id == "westfield-school")
                            .values(name="Westfield Academy", name_key="westfield academy"))
    ada = signed_in("ada.admin")
    page = _text(ada.get("/admin/organisations"))
    assert "Westfield School" in page and "Home school of 1 case" in page and "Westfield Academy (closest)" in page
    refused = post(ada, "/admin/organisations/resolve", {"value": "Westfield School", "field": "home_school",
                                                         "to": "severn-vale-learning-centre"})
    assert refused.status_code == 400 and "is an AP setting, not a school" in _text(refused)
    assert post(ada, "/admin/organisations/resolve", {"value": "Westfield School", "field": "home_school",
                                                      "to": ""}).status_code == 400
    done = post(ada, "/admin/organisations/resolve", {"value": "Westfield School", "field": "home_school",
                                                      "to": "Westfield Academy"})
    assert done.status_code == 302
    assert "Westfield School now points at Westfield Academy: 1 case(s), 0 account(s)" in _text(
        ada.get("/admin/organisations"))
    with web_world.runtime.engine() as eng:
        assert eng.show_case(web_world.other_case, viewer=TEST_READ)["data"]["home_school"] == "Westfield Academy"


def test_the_account_form_offers_the_register_and_refuses_a_name_not_in_it(web_world, signed_in):
    ada = signed_in("ada.admin")
    page = ada.get("/admin/users").get_data(as_text=True)
    assert re.search(r'<select class="govuk-select[^"]*" id="org" name="org"', page)
    assert '<option value="kingsmead-high-school">Kingsmead High School (school)</option>' in page
    account = {"name": "kit.k", "role": "host_school", "password": "a long enough password", "email": ""}
    refused = post(ada, "/admin/users", {**account, "org": "Kingsmead high school"})
    assert refused.status_code == 400
    assert "did you mean 'Kingsmead High School'?" in _text(refused)
    assert post(ada, "/admin/users", {**account, "org": "kingsmead-high-school"}).status_code == 302
    with web_world.runtime.engine() as eng:
        from engine.models import User

        kit = eng.session.query(User).filter_by(name="kit.k").one()
        assert (kit.org, kit.org_id) == ("Kingsmead High School", "kingsmead-high-school")
