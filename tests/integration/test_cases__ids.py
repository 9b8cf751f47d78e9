"""Case ids carry 64 random bits (`R-` and 16 hex digits), and a drawn id that a case already has is
drawn again, cleanly: no IntegrityError, no lost case."""
from __future__ import annotations

import re

import engine.case_ids
from cli.scenarios import START_DATA
from tests.conftest import REINTEGRATION


def test_a_case_id_is_the_prefix_and_64_random_bits(harness):
    harness.deploy(REINTEGRATION)
    ids = {harness.call("start_case", "reintegration", START_DATA, "ava.ap")["case_id"] for _ in range(5)}
    assert len(ids) == 5 and all(re.fullmatch(r"R-[0-9A-F]{16}", i) for i in ids), ids


def test_an_id_already_taken_is_drawn_again(harness, monkeypatch):
    harness.deploy(REINTEGRATION)
    draws = iter(["00000000000000aa", "00000000000000aa", "00000000000000aa", "00000000000000bb"])
    monkeypatch.setattr(engine.case_ids, "_random_hex", lambda n: next(draws))
    first = harness.call("start_case", "reintegration", START_DATA, "ava.ap")["case_id"]
    second = harness.call("start_case", "reintegration", START_DATA, "ava.ap")["case_id"]  # aa clashes twice
    assert (first, second) == ("R-00000000000000AA", "R-00000000000000BB")
    assert harness.call("show_case", second)["data"]["pupil_name"] == START_DATA["pupil_name"]


def test_a_generator_that_only_repeats_itself_is_a_clean_conflict(harness, monkeypatch):
    import pytest

    from engine.errors import Conflict

    harness.deploy(REINTEGRATION)
    monkeypatch.setattr(engine.case_ids, "_random_hex", lambda n: "00000000000000aa")
    harness.call("start_case", "reintegration", START_DATA, "ava.ap")
    with pytest.raises(Conflict, match="no free case id"):
        harness.call("start_case", "reintegration", START_DATA, "ava.ap")
    assert len(harness.call("case_ids")) == 1
