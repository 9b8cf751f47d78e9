"""Lay out a diagram on the grid (``layout_grid.py``): one pool, a band per lane, columns by longest path,
side branches below their task; then write the BPMNDI shapes and edges. The rules are described in
``layout_reintegration.py``.
"""

from __future__ import annotations

from collections import defaultdict

from layout_grid import (  # a sibling script, not a package
    BPMNDI,
    COL_W,
    DC,
    DI,
    EVENT_TAGS,
    GATEWAY_TAGS,
    LANE_LABEL_W,
    LOOP_GAP,
    MIN_LANE_H,
    NS,
    POOL_LABEL_W,
    POOL_X,
    POOL_Y,
    ROW0_CENTRE,
    ROW_H,
    SUB_PAD_X,
    SUB_PAD_Y,
    SUBPROCESS_TAGS,
    Box,
    Container,
    route,
    size,
)
from lxml import etree


def lay_out(tree, row_hints: dict[str, int] | None = None) -> None:
    hints = row_hints or {}
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


