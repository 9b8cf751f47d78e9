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
from collections import defaultdict
from pathlib import Path

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
NS = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI}

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

POOL_X, POOL_Y = 160, 80
POOL_LABEL_W = 30  # the participant's name band
LANE_LABEL_W = 30  # each lane's name band
MIN_LANE_H = 250
COL_W = 150
ROW_H = 120
ROW0_CENTRE = 70  # centre of row 0 below the lane's top
SUB_PAD_X = 30  # padding inside an expanded subprocess
SUB_PAD_Y = 35
LOOP_GAP = 25  # how far below the lower node a loop-back edge runs

TASK_TAGS = {
    "task",
    "userTask",
    "serviceTask",
    "scriptTask",
    "manualTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "callActivity",
}
EVENT_TAGS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent"}
GATEWAY_TAGS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
SUBPROCESS_TAGS = {"subProcess", "transaction"}


def local(el) -> str:
    return etree.QName(el).localname


def size(tag: str) -> tuple[int, int]:
    if tag in EVENT_TAGS or tag == "boundaryEvent":
        return 36, 36
    if tag in GATEWAY_TAGS:
        return 50, 50
    return 100, 80


class Box:
    def __init__(self, node_id: str, tag: str, x: float, y: float, w: float, h: float):
        self.id, self.tag, self.x, self.y, self.w, self.h = node_id, tag, x, y, w, h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


class Container:
    """A process or expanded subprocess: its own nodes, boundary events and sequence flows."""

    def __init__(self, el):
        self.el = el
        self.nodes: dict[str, str] = {}  # id -> tag (excluding boundary events)
        self.boundary: dict[str, str] = {}  # boundary event id -> attachedToRef
        self.non_interrupting: set[str] = set()  # boundary events with cancelActivity="false"
        self.flows: list[tuple[str, str, str]] = []  # (id, source, target)
        self.subprocesses: dict[str, Container] = {}
        for child in el:
            if not isinstance(child.tag, str):
                continue
            tag = local(child)
            if tag == "sequenceFlow":
                self.flows.append((child.get("id"), child.get("sourceRef"), child.get("targetRef")))
            elif tag == "boundaryEvent":
                self.boundary[child.get("id")] = child.get("attachedToRef")
                if child.get("cancelActivity") == "false":
                    self.non_interrupting.add(child.get("id"))
            elif tag in TASK_TAGS | EVENT_TAGS | GATEWAY_TAGS | SUBPROCESS_TAGS:
                self.nodes[child.get("id")] = tag
                if tag in SUBPROCESS_TAGS:
                    self.subprocesses[child.get("id")] = Container(child)

    def graph(self) -> dict[str, list[str]]:
        """Successors, with a boundary event's flows counted as leaving its host."""
        succ = defaultdict(list)
        for _, s, t in self.flows:
            s = self.boundary.get(s, s)
            succ[s].append(t)
        return succ

    def side_branches(self) -> dict[str, list[tuple[str, list[str]]]]:
        """Host -> [(boundary event, nodes of its branch)] for non-interrupting boundary events whose
        branch ends on its own (it never joins the main flow), in the file's order."""
        out_of = defaultdict(list)
        for _, s, t in self.flows:
            out_of[s].append(t)
        branches = defaultdict(list)
        for b, host in self.boundary.items():
            if b not in self.non_interrupting:
                continue
            nodes, todo = [], list(out_of[b])
            while todo:
                n = todo.pop(0)
                if n not in nodes:
                    nodes.append(n)
                    todo += out_of[n]
            preds = {s for _, s, t in self.flows if t in nodes}
            if nodes and preds <= set(nodes) | {b}:
                branches[host].append((b, nodes))
        return branches

    def layers(self) -> dict[str, int]:
        """Longest-path layering on the graph without its back edges (found by DFS from the sources)."""
        succ = self.graph()
        # Keep a task's side branches clear: its ordinary successors come after their last node.
        for host, branches in self.side_branches().items():
            side = {n for _, nodes in branches for n in nodes}
            for t in [t for _, s, t in self.flows if s == host]:
                for n in side:
                    if not succ[n]:
                        succ[n].append(t)
        indeg = defaultdict(int)
        for ts in succ.values():
            for t in ts:
                indeg[t] += 1
        roots = [n for n in self.nodes if indeg[n] == 0] or list(self.nodes)[:1]
        back, state = set(), {}

        def dfs(n):
            state[n] = 1
            for t in succ[n]:
                if state.get(t) == 1:
                    back.add((n, t))
                elif t not in state:
                    dfs(t)
            state[n] = 2

        for r in roots:
            if r not in state:
                dfs(r)
        for n in self.nodes:
            if n not in state:
                dfs(n)
        self.back_edges = back
        layer = {}

        def longest(n):
            if n in layer:
                return layer[n]
            preds = [s for s, ts in succ.items() for t in ts if t == n and (s, n) not in back]
            layer[n] = 0 if not preds else 1 + max(longest(p) for p in preds)
            return layer[n]

        for n in self.nodes:
            longest(n)
        return layer


def lay_out(tree, row_hints: dict[str, int] | None = None) -> None:
    hints = ROW_HINTS if row_hints is None else row_hints
    root = tree.getroot()
    collaboration = root.find("bpmn:collaboration", NS)
    participant = collaboration.find("bpmn:participant", NS)
    process = root.find(f"bpmn:process[@id='{participant.get('processRef')}']", NS)
    lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
    lane_of = {ref.text.strip(): lane.get("id") for lane in lanes for ref in lane.findall("bpmn:flowNodeRef", NS)}
    lane_ids = [lane.get("id") for lane in lanes]

    top = Container(process)

    # 1. columns: every container gets its layering; an expanded subprocess spans its content's columns.
    columns: dict[str, int] = {}  # node id -> global column
    spans: dict[str, int] = {}  # subprocess id -> number of columns

    def place_columns(container: Container, first_col: int) -> int:
        layer = container.layers()
        order = sorted(container.nodes, key=lambda n: layer[n])
        width_of = {}
        for n in order:
            if n in container.subprocesses:
                width_of[n] = place_columns(container.subprocesses[n], 0)  # measure only
        # global column of each layer: layers are as wide as their widest member
        layer_width = defaultdict(lambda: 1)
        for n in order:
            layer_width[layer[n]] = max(layer_width[layer[n]], width_of.get(n, 1))
        start_of, col = {}, first_col
        for ly in range(max(layer.values()) + 1 if layer else 0):
            start_of[ly] = col
            col += layer_width[ly]
        for n in order:
            columns[n] = start_of[layer[n]]
            if n in container.subprocesses:
                spans[n] = width_of[n]
                place_columns(container.subprocesses[n], columns[n])
        return col - first_col

    total_cols = place_columns(top, 0)

    # 2. rows: hint, else row 0, bumped down while the cell is taken.
    rows: dict[str, int] = {}
    taken = set()

    def place_rows(container: Container) -> None:
        side_row = {}  # side-branch node -> (host, branch index)
        for host, branches in container.side_branches().items():
            for i, (_, nodes) in enumerate(branches):
                side_row.update({n: (host, i) for n in nodes})
        for n in sorted(container.nodes, key=lambda n: columns[n]):
            if n in container.subprocesses:
                place_rows(container.subprocesses[n])
                continue
            default = 0
            if n in side_row:
                host, i = side_row[n]
                default = (rows.get(host, 0) if lane_of.get(host) == lane_of[n] else 0) + 1 + i
            lane, row = lane_of[n], hints.get(n, default)
            while (lane, columns[n], row) in taken:
                row += 1
            taken.add((lane, columns[n], row))
            rows[n] = row

    place_rows(top)

    # 3. column x positions (centre of a one-column cell) and lane heights.
    content_x = POOL_X + POOL_LABEL_W + LANE_LABEL_W + 20

    def col_centre(col: int) -> float:
        return content_x + col * COL_W + COL_W / 2

    def row_centre(row: int) -> float:  # relative to the lane's top
        return ROW0_CENTRE + row * ROW_H

    def all_nodes(container: Container):
        for n, tag in container.nodes.items():
            yield container, n, tag
            if n in container.subprocesses:
                yield from all_nodes(container.subprocesses[n])

    rel: dict[str, tuple[str, float, float, float, float]] = {}  # id -> (lane, x, rel_y, w, h)
    for _, n, tag in all_nodes(top):
        if n in spans:
            continue
        w, h = size(tag)
        rel[n] = (lane_of[n], col_centre(columns[n]) - w / 2, row_centre(rows[n]) - h / 2, w, h)

    # Subprocess boxes: bounding box of their children in absolute coordinates, so lane tops are needed.
    # Lane heights are computed from the lane-relative bottoms, including the subprocess whose box bottom
    # lies in the lowest lane of its children (plus its boundary events and loop-back edges).
    lane_need = defaultdict(lambda: MIN_LANE_H)
    for n, (lane, _, ry, _, h) in rel.items():
        extra = 18 + 20 if any(host == n for c, _, _ in all_nodes(top) for host in c.boundary.values()) else 20
        lane_need[lane] = max(lane_need[lane], ry + h + extra)

    def subprocess_children(sp_id: str, container: Container | None = None):
        container = container or find_container(top, sp_id)
        for n in container.nodes:
            if n in container.subprocesses:
                yield from subprocess_children(n, container.subprocesses[n])
            else:
                yield n

    def find_container(container: Container, sp_id: str) -> Container:
        if sp_id in container.subprocesses:
            return container.subprocesses[sp_id]
        for sub in container.subprocesses.values():
            found = find_container(sub, sp_id)
            if found is not None:
                return found
        return None

    lane_index = {lid: i for i, lid in enumerate(lane_ids)}
    for sp_id in spans:
        children = list(subprocess_children(sp_id))
        lowest = max(lane_index[rel[c][0]] for c in children)
        low_lane = lane_ids[lowest]
        bottom = max(rel[c][2] + rel[c][4] for c in children if rel[c][0] == low_lane)
        sub = find_container(top, sp_id)
        sub.layers()
        if sub.back_edges:
            bottom += LOOP_GAP
        bottom += SUB_PAD_Y
        has_boundary = any(host == sp_id for c, _, _ in all_nodes(top) for host in c.boundary.values())
        lane_need[low_lane] = max(lane_need[low_lane], bottom + (18 + 20 if has_boundary else 20))

    lane_top, y = {}, POOL_Y
    lane_h = {}
    for lid in lane_ids:
        lane_top[lid] = y
        lane_h[lid] = max(MIN_LANE_H, lane_need[lid])
        y += lane_h[lid]
    pool_h = y - POOL_Y
    pool_w = POOL_LABEL_W + LANE_LABEL_W + 20 + total_cols * COL_W + 40

    boxes: dict[str, Box] = {}
    tags = {n: tag for _, n, tag in all_nodes(top)}
    for n, (lane, x, ry, w, h) in rel.items():
        boxes[n] = Box(n, tags[n], x, lane_top[lane] + ry, w, h)

    # innermost first, so that an outer box includes inner boxes
    def depth(sp_id, container=top, d=0):
        if sp_id in container.subprocesses:
            return d
        for sub in container.subprocesses.values():
            r = depth(sp_id, sub, d + 1)
            if r is not None:
                return r
        return None

    for sp_id in sorted(spans, key=lambda s: -depth(s)):
        sub = find_container(top, sp_id)
        kids = [boxes[c] for c in sub.nodes]
        x0 = content_x + columns[sp_id] * COL_W + 10
        x1 = content_x + (columns[sp_id] + spans[sp_id]) * COL_W - 10
        y0 = min(b.y for b in kids) - SUB_PAD_Y
        y1 = max(b.bottom for b in kids) + (LOOP_GAP if sub.back_edges else 0) + SUB_PAD_Y
        # leave room for the padding on the left/right
        x0 = min(x0, min(b.x for b in kids) - SUB_PAD_X)
        x1 = max(x1, max(b.right for b in kids) + SUB_PAD_X)
        boxes[sp_id] = Box(sp_id, tags[sp_id], x0, y0, x1 - x0, y1 - y0)

    # boundary events on the bottom edge of their host
    containers = [top] + [find_container(top, s) for s in spans]
    flow_targets = defaultdict(list)
    for container in containers:
        for _, s, t in container.flows:
            flow_targets[s].append(t)
    label_side: dict[str, str] = {}  # boundary event -> "left"/"right" when its host has several
    for container in containers:
        per_host = defaultdict(list)
        for b, host in container.boundary.items():
            per_host[host].append(b)
        for host, bs in per_host.items():
            # the branch that runs to the lowest row leaves leftmost, so that the branches' flows do not cross
            bs.sort(key=lambda b: -max((boxes[t].cy for t in flow_targets[b] if t in boxes), default=0))
            if len(bs) > 1:
                label_side.update({bs[0]: "left", bs[-1]: "right"})
            hb = boxes[host]
            for i, b in enumerate(bs):
                if tags.get(host) in SUBPROCESS_TAGS:
                    bx = hb.right - 60 - 50 * i
                else:
                    bx = hb.x + hb.w / 2 - 18 + 40 * i - 20 * (len(bs) - 1)
                boxes[b] = Box(b, "boundaryEvent", bx, hb.bottom - 18, 36, 36)

    # 4. edges
    edges: dict[str, list[tuple[float, float]]] = {}
    for container in containers:
        container.layers()
        hosts = container.side_branches()
        for fid, s, t in container.flows:
            edges[fid] = route(
                boxes[s],
                boxes[t],
                (s, t) in container.back_edges or (container.boundary.get(s), t) in container.back_edges,
                late_bend=s in hosts,
            )

    write_di(tree, collaboration, participant, lanes, boxes, edges, lane_top, lane_h, pool_w, pool_h, containers, label_side)


def route(a: Box, b: Box, back: bool, late_bend: bool = False) -> list[tuple[float, float]]:
    """Waypoints from a to b; with late_bend, a flow to another row bends in the gutter just before b
    (past the side branches below a) rather than halfway."""
    if back:
        y = max(a.bottom, b.bottom) + LOOP_GAP
        return [(a.cx, a.bottom), (a.cx, y), (b.cx, y), (b.cx, b.bottom)]
    if a.tag == "boundaryEvent":
        return [(a.cx, a.bottom), (a.cx, b.cy), (b.x, b.cy)]
    big_a, big_b = a.tag in SUBPROCESS_TAGS, b.tag in SUBPROCESS_TAGS
    ay = min(max(b.cy, a.y + 20), a.bottom - 20) if big_a else a.cy
    by = min(max(ay, b.y + 20), b.bottom - 20) if big_b else b.cy
    if abs(ay - by) < 1:
        return [(a.right, ay), (b.x, ay)]
    if a.tag in GATEWAY_TAGS and not big_b:
        vy = a.bottom if by > a.cy else a.y
        return [(a.cx, vy), (a.cx, by), (b.x, by)]
    if b.tag in GATEWAY_TAGS and not big_a:
        vy = b.y if ay < b.cy else b.bottom
        return [(a.right, ay), (b.cx, ay), (b.cx, vy)]
    mx = max((a.right + b.x) / 2, b.x - (COL_W - 100) / 2) if late_bend else (a.right + b.x) / 2
    return [(a.right, ay), (mx, ay), (mx, by), (b.x, by)]


def fmt(v: float) -> str:
    return str(int(round(v)))


def write_di(
    tree, collaboration, participant, lanes, boxes, edges, lane_top, lane_h, pool_w, pool_h, containers, label_side
) -> None:
    root = tree.getroot()
    for old in root.findall("bpmndi:BPMNDiagram", NS):
        root.remove(old)
    names = {el.get("id"): el.get("name") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}

    key = participant.get("processRef")
    diagram = etree.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", id=f"BPMNDiagram_{key}")
    plane = etree.SubElement(diagram, f"{{{BPMNDI}}}BPMNPlane", id=f"BPMNPlane_{key}", bpmnElement=collaboration.get("id"))

    def shape(element_id, x, y, w, h, **attrs):
        sh = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=f"{element_id}_di", bpmnElement=element_id, **attrs)
        etree.SubElement(sh, f"{{{DC}}}Bounds", x=fmt(x), y=fmt(y), width=fmt(w), height=fmt(h))
        return sh

    def label(parent, x, y, w, h):
        lb = etree.SubElement(parent, f"{{{BPMNDI}}}BPMNLabel")
        etree.SubElement(lb, f"{{{DC}}}Bounds", x=fmt(x), y=fmt(y), width=fmt(w), height=fmt(h))

    shape(participant.get("id"), POOL_X, POOL_Y, pool_w, pool_h, isHorizontal="true")
    for lane in lanes:
        lid = lane.get("id")
        shape(lid, POOL_X + POOL_LABEL_W, lane_top[lid], pool_w - POOL_LABEL_W, lane_h[lid], isHorizontal="true")

    # subprocesses first so that their children are drawn on top of them
    order = sorted(boxes.values(), key=lambda b: (b.tag not in SUBPROCESS_TAGS, b.tag == "boundaryEvent"))
    for b in order:
        attrs = {"isExpanded": "true"} if b.tag in SUBPROCESS_TAGS else {}
        if b.tag == "exclusiveGateway":
            attrs["isMarkerVisible"] = "true"
        sh = shape(b.id, b.x, b.y, b.w, b.h, **attrs)
        if names.get(b.id) and (b.tag in EVENT_TAGS | GATEWAY_TAGS or b.tag == "boundaryEvent"):
            if b.tag == "boundaryEvent" and label_side.get(b.id) == "left":  # clear of its neighbour's flow
                label(sh, b.x - 4 - 100, b.bottom - 10, 100, 27)
            elif b.tag == "boundaryEvent" and label_side.get(b.id) == "right":
                label(sh, b.right + 4, b.bottom - 10, 100, 27)
            elif b.tag == "boundaryEvent":
                label(sh, b.right + 4, b.bottom - 4, 110, 27)
            elif b.tag in GATEWAY_TAGS:
                label(sh, b.cx - 55, b.y - 32, 110, 27)
            else:
                label(sh, b.cx - 50, b.bottom + 5, 100, 27)

    for container in containers:
        for fid, _, _ in container.flows:
            pts = edges[fid]
            ed = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNEdge", id=f"{fid}_di", bpmnElement=fid)
            for x, y in pts:
                etree.SubElement(ed, f"{{{DI}}}waypoint", x=fmt(x), y=fmt(y))
            if names.get(fid):
                # on the longest segment
                segs = list(zip(pts, pts[1:], strict=False))
                (x1, y1), (x2, y2) = max(segs, key=lambda p: abs(p[0][0] - p[1][0]) + abs(p[0][1] - p[1][1]))
                if abs(y1 - y2) < 1:
                    label(ed, min(x1, x2) + 8, y1 - 22, 90, 14)
                else:
                    label(ed, x1 + 6, (y1 + y2) / 2 - 7, 90, 14)


def check(tree) -> list[str]:
    """Problems with the current DI: missing shapes/edges, nodes outside their lane."""
    root = tree.getroot()
    problems = []
    bounds = {}
    for sh in root.iterfind(".//bpmndi:BPMNShape", NS):
        b = sh.find("dc:Bounds", NS)
        bounds[sh.get("bpmnElement")] = tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))
    edge_ids = {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    process = root.find("bpmn:process", NS)
    nodes = [
        el
        for el in process.iter()
        if isinstance(el.tag, str) and local(el) in TASK_TAGS | EVENT_TAGS | GATEWAY_TAGS | SUBPROCESS_TAGS | {"boundaryEvent"}
    ]
    for el in nodes:
        if el.get("id") not in bounds:
            problems.append(f"no BPMNShape for {el.get('id')}")
    for fl in process.iter(f"{{{BPMN}}}sequenceFlow"):
        if fl.get("id") not in edge_ids:
            problems.append(f"no BPMNEdge for {fl.get('id')}")
    node_ids = {el.get("id"): local(el) for el in nodes}
    listed = set()
    for lane in process.iterfind("bpmn:laneSet/bpmn:lane", NS):
        if lane.get("id") not in bounds:
            problems.append(f"no BPMNShape for lane {lane.get('id')}")
            continue
        lx, ly, lw, lh = bounds[lane.get("id")]
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            n = ref.text.strip()
            listed.add(n)
            if n not in bounds:
                continue
            x, y, w, h = bounds[n]
            if node_ids.get(n) in SUBPROCESS_TAGS:  # a container belongs to the lane holding its centre
                inside = lx <= x + w / 2 <= lx + lw and ly <= y + h / 2 <= ly + lh
            else:
                inside = lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh
            if not inside:
                problems.append(f"{n} is not inside lane {lane.get('name')}")
    for n in node_ids:
        if n not in listed:
            problems.append(f"{n} is in no lane")
    return problems


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
