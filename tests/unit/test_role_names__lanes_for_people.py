"""Diagrams shown to people name each lane for the people in it, never by the role's id."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from engine.process_info import NS
from engine.role_names import lanes_for_people

DIAGRAMS = sorted((Path(__file__).resolve().parents[2] / "processes").glob("*.bpmn"))


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=[p.name for p in DIAGRAMS])
def test_every_lane_of_the_shipped_processes_is_named_in_words(diagram):
    shown = etree.fromstring(lanes_for_people(diagram.read_text()).encode())
    names = [lane.get("name") for lane in shown.iterfind(".//bpmn:lane", NS)]
    assert names and not [n for n in names if re.fullmatch(r"[a-z_]+", n or "")], names
    assert all(n[:1].isupper() for n in names), names
    # the rest of the document is the deployed one
    original = etree.fromstring(diagram.read_bytes())
    assert [e.get("id") for e in shown.iter() if e.get("id")] == [e.get("id") for e in original.iter() if e.get("id")]
