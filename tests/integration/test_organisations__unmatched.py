"""Case parties and accounts that name no register entry: listed with the closest entries, resolved by
an admin (each case's data and workflow take the entry's name, an event in its history that replays),
spellings that differ only in case and spacing relinked by the migration and by init-db."""
from __future__ import annotations

import json

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select, text, update

from cli import scenarios as s
from engine.db import ROOT, make_engine, session_factory
from engine.errors import Forbidden
from engine.models import HistoryEvent, User
from engine.organisations import Organisation
from engine.party_links import link_spellings, resolve, unmatched
from tests.conftest import REINTEGRATION, TEST_READ


def _rename(h, org_id: str, name: str) -> None:
    """An entry's name changed under its cases: they now name something the register does not hold."""
    with h.sessions() as session:
        session.execute(update(Organisation).where(Organisation.id == org_id)
                        .values(name=name, name_key=" ".join(name.split()).casefold()))
        session.commit()


@pytest.fixture
def old_cases(harness):
    """Two cases whose home school, and an account whose organisation, name no entry any more."""
    harness.deploy(REINTEGRATION)
    cases = [harness.call("start_case", "reintegration", {**s.START_DATA, "pupil_name": p}, "ava.ap")["case_id"]
             for p in ("Jordan Ellis", "Maya Khan")]
    _rename(harness, "hollybrook-high-school", "Hollybrook Academy")
    return harness, cases


def test_unmatched_lists_parties_and_accounts_with_the_closest_entries(old_cases):
    h, cases = old_cases
    found = h.query(unmatched)
    assert found["case_parties"] == [{"field": "home_school", "value": "Hollybrook High School", "cases": 2,
                                      "case_ids": sorted(cases), "suggestions": ["Hollybrook Academy"]}]
    assert found["accounts"] == []
    with h.sessions() as session:  # omar.home's account names it too, but points at the entry by id
        assert session.scalar(select(User.org_id).where(User.name == "omar.home")) == "hollybrook-high-school"


def test_an_admin_resolves_a_value_for_every_case_and_the_history_replays(old_cases):
    h, cases = old_cases
    with pytest.raises(Forbidden):
        h.call("relink_parties", cases[0], {"home_school": "hollybrook-high-school"}, "omar.home")
    with h.transaction() as eng:
        result = resolve(eng, "Hollybrook High School", "Hollybrook Academy", "ada.admin")
    assert result["cases"] == [{"case_id": c, "fields": ["home_school"]} for c in sorted(cases)]
    for case_id in cases:
        case = h.call("show_case", case_id, viewer=TEST_READ)
        assert case["data"]["home_school"] == "Hollybrook Academy"
        event = h.query(lambda ses, c=case_id: ses.scalars(select(HistoryEvent).where(HistoryEvent.case_id == c)
                                                          .order_by(HistoryEvent.seq.desc())).first())
        assert (event.kind, event.actor, event.data) == ("parties_relinked", "ada.admin", {
            "from": {"home_school": "Hollybrook High School"}, "to": {"home_school": "Hollybrook Academy"}})
        assert h.call("replay", case_id, verify=True, viewer=TEST_READ)["ok"]
    assert h.query(unmatched) == {"case_parties": [], "accounts": []}
    # the case goes on with the entry's name: the next task's data has it
    done = h.complete(cases[0], "record_parental_consent", s.HAPPY_PATH["record_parental_consent"], "ava.ap")
    assert done["data"]["home_school"] == "Hollybrook Academy"
    assert h.call("replay", cases[0], verify=True, viewer=TEST_READ)["ok"]


def test_resolve_refuses_an_entry_that_is_not_there_or_of_the_wrong_kind(old_cases):
    h, cases = old_cases
    with h.transaction() as eng:
        with pytest.raises(ValueError, match="did you mean 'Hollybrook Academy'"):
            resolve(eng, "Hollybrook High School", "Hollybrook Academi", "ada.admin")
        with pytest.raises(ValueError, match="is an AP setting, not a school"):
            resolve(eng, "Hollybrook High School", "Severn Vale Learning Centre", "ada.admin", "home_school")
    assert len(h.query(unmatched)["case_parties"]) == 1


def test_a_spelling_that_differs_in_case_and_spacing_is_relinked(old_cases):
    h, cases = old_cases
    _rename(h, "hollybrook-high-school", "HOLLYBROOK  High School")  # the register has the new spelling
    with h.transaction() as eng:
        assert link_spellings(eng) == {"cases": 2, "accounts": 0}
    assert h.call("show_case", cases[1], viewer=TEST_READ)["data"]["home_school"] == "HOLLYBROOK  High School"
    assert h.call("replay", cases[1], verify=True, viewer=TEST_READ)["ok"]


def test_org_unmatched_and_resolve_on_the_command_line(run_cli):
    assert run_cli("init-db")[0] == 0
    assert run_cli("org", "unmatched") == (0, "every case party and account points at a register entry\n", "")
    assert run_cli("org", "resolve", "Kingsmead high school", "--to", "Kingsmead High School", "--json")[0] == 0
    code, _, err = run_cli("org", "resolve", "Kingsmead high school", "--to", "Kingsmead Hi")
    assert code == 2 and "did you mean 'Kingsmead High School'?" in err


def test_the_migration_links_accounts_spelled_as_an_entry_and_lists_the_rest(db_url, run_cli):
    engine = make_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0009")
        conn.execute(text("INSERT INTO users (name, role, org, created_at) VALUES "
                          "('kit.k', 'host_school', ' kingsmead  HIGH school', '2026-01-05 09:00:00+00:00'), "
                          "('nat.n', 'home_school', 'Nowhere Academy', '2026-01-05 09:00:00+00:00')"))
    assert run_cli("init-db")[0] == 0
    with session_factory(engine)() as session:
        kit = session.scalar(select(User).where(User.name == "kit.k"))
        assert (kit.org, kit.org_id) == ("Kingsmead High School", "kingsmead-high-school")
    code, out, _ = run_cli("org", "unmatched", "--json")
    assert json.loads(out)["accounts"] == [{"name": "nat.n", "role": "home_school", "org": "Nowhere Academy",
                                            "suggestions": []}]
    code, out, _ = run_cli("org", "resolve", "Nowhere Academy", "--to", "Westfield School", "--json")
    assert json.loads(out)["accounts"] == ["nat.n"]
