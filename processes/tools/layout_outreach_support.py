"""Regenerate the BPMNDI (diagram layout) of processes/outreach_support.bpmn.

Usage::

    python processes/tools/layout_outreach_support.py [path/to/outreach_support.bpmn] [--check]

The same grid layout as ``layout_reintegration.py`` (one pool, a band per lane, columns by longest path,
orthogonal edges, loops drawn underneath), with this diagram's own row hints. With ``--check`` the file
is not written: the script only reports whether the layout rules hold for the current DI.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))

from layout_reintegration import check, lay_out  # noqa: E402  (a sibling script, not a package)

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "outreach_support.bpmn"

# Node id -> row inside its lane (0 = top row): the declined and group branches below the main line.
ROW_HINTS = {
    "plan_group": 1,
    "record_declined": 2,
    "end_declined": 2,
}


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    path = Path(args[0]) if args else DEFAULT_PATH
    tree = etree.parse(str(path), etree.XMLParser(remove_blank_text=True))
    if "--check" not in argv:
        lay_out(tree, ROW_HINTS)
        etree.indent(tree, space="  ")
        tree.write(str(path), xml_declaration=True, encoding="UTF-8", pretty_print=True)
        print(f"wrote layout to {path}")
    problems = check(tree)
    for p in problems:
        print("problem:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
