"""The party table: the engine's access rules, register and role names follow the table in force, and a
table that does not hold together is refused, leaving the one in force as it was."""
from __future__ import annotations

import pytest

from engine import organisations, parties, permissions, role_names
from engine.extensions import register_parties
from engine.parties import OrganisationKind, Party, PartyTable, Role
from engine.permissions import Actor

COURTS = PartyTable(roles=(Role("clerk", "court clerk", party="court", kinds=("court",)),),
                    parties=(Party("court", "court", ("court",)),), kinds=(OrganisationKind("court", "court"),))


def test_the_engines_rules_and_names_follow_the_table_in_force():
    service = parties.table()
    try:
        register_parties(COURTS)
        assert permissions.ROLES == ["clerk", "process_owner", "auditor", "dpo", "admin"]
        assert permissions.PARTY_FIELDS == {"clerk": "court"} and permissions.AGENCY_ROLES == []
        assert organisations.KINDS == ["court"] and organisations.PARTY_FIELDS == {"court": ("court",)}
        assert role_names.role_name("clerk", capital=True) == "Court clerk"
        clerk = Actor("cal", "clerk", "North Court")
        assert permissions.decide(clerk, permissions.READ, case={"court": "North Court"})
        refused = permissions.decide(clerk, permissions.READ, case={"court": "South Court"})
        assert not refused and refused.reason == "cal acts for North Court, which is not this case's court"
        assert permissions.report_scope(clerk) == (("court", "North Court"),)
        with pytest.raises(ValueError, match="unknown role 'host_school'"):
            permissions.check_account("host_school", "Hollybrook High School")
    finally:
        register_parties(service)
    assert "host_school" in permissions.ROLES and organisations.PARTY_FIELDS["host_school"] == ("school",)


def test_a_table_that_does_not_hold_together_is_refused_and_the_one_in_force_stays():
    service = parties.table()
    broken = PartyTable(roles=(Role("clerk", "clerk", party="court", kinds=("court",)),))
    with pytest.raises(ValueError, match="kind 'court' is not declared; role 'clerk' acts for the undeclared party"):
        register_parties(broken)
    assert parties.table() is service and "clerk" not in permissions.ROLES
