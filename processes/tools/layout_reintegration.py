"""Regenerate the BPMNDI (diagram layout) of processes/reintegration.bpmn, or of any diagram given.

Usage::

    python processes/tools/layout_reintegration.py [path/to/diagram.bpmn ...] [--check]

Each file's row hints are looked up by file name in ``ROW_HINTS_BY_FILE`` (none: every node on the
rows the rules below give it).

The semantic part of the file (process, lanes, forms, flows) is left untouched; any existing
``bpmndi:BPMNDiagram`` is replaced by a freshly computed one. With ``--check`` the file is not written:
the script only reports whether its layout rules hold for the current DI.

Layout rules (a simple grid, good enough to open laid out in Camunda Modeler / bpmn-js):

* one pool (the collaboration's participant) with the process's lanes as horizontal bands, in the order of
  the laneSet, each at least 250 px high and taller when it needs a second row;
* nodes are placed left to right in columns by longest path from the start (loops are ignored when
  layering), in the band of the lane whose ``flowNodeRef`` lists them, on row 0 of the lane unless
  ``ROW_HINTS`` says otherwise (or the cell is taken);
* an expanded subprocess takes as many columns as its own content needs; its children are placed in their
  own lanes' bands, and the subprocess box is their bounding box plus padding (so it may span lanes, as in
  bpmn-js, where a node belongs to the lane that holds its centre);
* boundary events sit on the bottom edge of the activity they are attached to;
* a non-interrupting boundary event's branch (a reminder or an escalation: it runs beside its task and
  ends on its own) is a side branch: it is drawn below its task, one row per branch (the first boundary
  event in the file on the row just below the task, the next one on the row below that), and the task's
  ordinary successors are pushed to the columns after the side branches, so that no other node stands
  in them and the task's outgoing flow bends only after them; the boundary events are ordered along the
  task's bottom edge so that the branch to the lowest row leaves leftmost (no flows cross);
* edges are orthogonal: straight when source and target are level, otherwise leaving a gateway through its
  top or bottom corner, entering a merging gateway through its top or bottom corner, or bending once
  halfway between the columns; loops go round underneath.

Change ``ROW_HINTS`` (or the lanes' order in the file) and rerun to adjust the picture.
"""


from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))

from layout_check import check  # noqa: E402  (sibling scripts, not a package)
from layout_lanes import lay_out  # noqa: E402

__all__ = ["check", "lay_out", "main"]

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "reintegration.bpmn"

# Node id -> row inside its lane (0 = top row). Everything else goes on row 0, except the nodes of side
# branches (reminders and escalations below their deadline task: rows 1 and 2, see the module docstring).
ROW_HINTS = {
    "record_not_agreed": 1,
    "end_not_agreed": 1,
    "placement_start": 1,
    "placement_fork": 1,
    "confirm_dual_registration": 1,
    # below the reviews' reminder (row 1) and escalation (row 2) branches
    "emergency_review_merge": 3,
    "emergency_review_requested": 3,
    "hold_emergency_review": 3,
    "emergency_outcome": 3,
    "end_placement_ended": 3,
    "record_emergency_review": 3,
    "emergency_moves_review": 3,
    "move_next_review": 4,
    "emergency_move_join": 3,
    "redesignate_transport": 1,
    "outcome_recorded_merge": 1,
    "confirm_failure_decision": 1,
    "send_failure_letter": 1,
    "remove_from_roll": 1,
    "send_deletion_return": 1,
    "notify_la_failure": 1,
    "end_unsuccessful": 1,
}

# Per diagram, by file name.
ROW_HINTS_BY_FILE = {
    "reintegration.bpmn": ROW_HINTS,
    "reintegration_timetable.bpmn": {
        "record_not_agreed_timetable": 1,
        "end_not_agreed": 1,
    },
    "semh_placement.bpmn": {
        "semh_not_funded": 1,
        "end_not_funded": 1,
        "record_additional_funding": 1,
        "challenge_home_school": 1,
    },
}


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv if not a.startswith("--")] or [DEFAULT_PATH]
    failed = False
    for path in paths:
        parser = etree.XMLParser(remove_blank_text=True)
        tree = etree.parse(str(path), parser)
        if "--check" not in argv:
            lay_out(tree, ROW_HINTS_BY_FILE.get(path.name, {}))
            etree.indent(tree, space="  ")
            tree.write(str(path), xml_declaration=True, encoding="UTF-8", pretty_print=True)
            print(f"wrote layout to {path}")
        problems = check(tree)
        for p in problems:
            print(f"problem: {path.name}: {p}")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
