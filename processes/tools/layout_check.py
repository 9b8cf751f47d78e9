"""Check a diagram's BPMNDI against the layout rules: a shape for every node and lane, an edge for every
flow, and every node inside its lane's band."""

from __future__ import annotations

from layout_grid import BPMN, EVENT_TAGS, GATEWAY_TAGS, NS, SUBPROCESS_TAGS, TASK_TAGS, local  # a sibling script


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


