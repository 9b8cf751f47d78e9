"""The roles of the advocacy and SEMH providers and of the authority's social care, youth justice and early help teams:
`reintegrate user add --role` takes them with an organisation of the right kind and refuses them without, and the
admin page offers them by their names."""
from __future__ import annotations

import json

import pytest

from tests.web_helpers import post

ROLES = {"advocacy_provider": "Pathways Advocacy", "semh_provider": "The Bridge School",
         "social_care": "Worcestershire County Council", "youth_justice": "Worcestershire County Council",
         "early_help": "Herefordshire Council"}


@pytest.fixture
def cli(run_cli):
    assert run_cli("init-db")[0] == 0
    return run_cli


@pytest.mark.parametrize("role", ROLES)
def test_user_add_takes_each_new_role_with_its_kind_of_organisation(cli, role):
    code, out, _ = cli("user", "add", f"new.{role}", "--role", role, "--org", ROLES[role], "--json")
    assert code == 0 and (json.loads(out)["role"], json.loads(out)["org"]) == (role, ROLES[role])
    code, _, err = cli("user", "add", f"bare.{role}", "--role", role)
    assert code != 0 and "must belong to an organisation" in err
    wrong = "Hollybrook High School"  # a school: neither a provider nor an authority
    code, _, err = cli("user", "add", f"wrong.{role}", "--role", role, "--org", wrong)
    assert code != 0 and f"'{wrong}' is a school, not a" in err


def test_the_admin_page_offers_the_roles_by_name_and_makes_the_account(signed_in):
    admin = signed_in("ada.admin")
    page = admin.get("/admin/users").get_data(as_text=True)
    for name in ("Advocacy provider", "SEMH provider", "Social care team", "Youth justice team", "Early help team"):
        assert f">{name}</option>" in page, name
    made = post(admin, "/admin/users", {"name": "sue.social", "role": "social_care",
                                        "org": "worcestershire-county-council", "password": "a long password 1"},
                token_from="/admin/users")
    assert made.status_code == 302
    account = admin.get("/admin/users/sue.social").get_data(as_text=True)
    assert "Social care team" in account and "Worcestershire County Council" in account


def test_the_semh_nomination_names_its_provider_from_the_register_the_bridge_school_first(web_world, signed_in):
    """The SEMH provider account works the cases whose `provider` is its organisation: the nomination form
    offers the register's providers, with the SLA's provider chosen."""
    import re

    from tests.integration.timetable_cases import SEMH

    with web_world.runtime.engine() as eng:
        eng.deploy(SEMH.read_bytes(), str(SEMH), "system")
    form = signed_in("omar.home").get("/start/semh_placement/form").get_data(as_text=True)
    assert re.search(r'<option value="the-bridge-school" selected>The Bridge School</option>', form)
    assert ">Pathways Advocacy</option>" in form and ">Hollybrook High School</option>" not in form.split('name="provider"')[1]
