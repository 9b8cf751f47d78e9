"""The grid the diagram layout tools place nodes on: BPMN namespaces, sizes, node kinds, a node's box,
a (sub)process's nodes and flows in layers, and the orthogonal route of one flow between two boxes.

Used by ``layout_lanes.py`` (placing) and ``layout_check.py`` (checking); the layout rules are described
in ``layout_reintegration.py``.
"""

from __future__ import annotations

from collections import defaultdict

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
NS = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI}

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


