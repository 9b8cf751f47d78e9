"""Random well-formed processes for the property test: a tree of blocks (sequences, exclusive and
parallel branches, user, manual and plain tasks, boundary and intermediate timers, message waits, calls to a
deployed process) drawn by hypothesis and laid out as a BPMN document with `tests.bpmn_build`."""
from __future__ import annotations

from itertools import count

from hypothesis import strategies as st

from tests.bpmn_build import PARTIES_FORM, Diagram, form, message_definition, timer

LANES = ("ap_setting", "la_admissions")
#: The deployed process that call blocks call: one manual task in the authority's lane.
CALLED = "called_helper"
#: The message that message blocks wait for, and its declared field.
MESSAGE = "reply"

leaf = st.one_of(
    st.tuples(st.just("user"), st.sampled_from(LANES)),
    st.tuples(st.just("manual"), st.sampled_from(LANES)),
    st.tuples(st.just("plain"), st.sampled_from(LANES)),  # a bpmn:task, the first shape of the palette
    st.tuples(st.just("timer"), st.sampled_from(("P1D", "P3D"))),
    st.tuples(st.just("guarded"), st.sampled_from(LANES)),  # a user task with an interrupting boundary timer
    st.tuples(st.just("message"), st.sampled_from(LANES)),
    st.tuples(st.just("call"), st.just(CALLED)),
    st.tuples(st.just("fails"), st.just("unset == 1")),  # a condition on a variable nobody sets: an incident
)
blocks = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.tuples(st.just("seq"), st.lists(inner, min_size=2, max_size=3)),
        st.tuples(st.just("xor"), st.lists(inner, min_size=2, max_size=3)),
        st.tuples(st.just("and"), st.lists(inner, min_size=2, max_size=3)),
    ),
    max_leaves=7,
)


def called_process() -> bytes:
    d = Diagram(CALLED, "la_admissions")
    d.node("startEvent", "helper_start")
    d.node("manualTask", "helper_task", "Help out")
    d.node("endEvent", "helper_end")
    d.chain("helper_start", "helper_task", "helper_end")
    return d.xml()


class _Builder:
    def __init__(self, key: str):
        self.d = Diagram(key)
        self.ids = count(1)
        self.message = self.d.message(MESSAGE)

    def new(self, prefix: str) -> str:
        return f"{prefix}_{next(self.ids)}"

    def block(self, block, source: str) -> str:
        """Lay out `block` after node `source`; the id of its last node."""
        kind, arg = block
        d = self.d
        if kind == "seq":
            for part in arg:
                source = self.block(part, source)
            return source
        if kind in ("xor", "and"):
            gateway = "exclusiveGateway" if kind == "xor" else "parallelGateway"
            split, join = d.node(gateway, self.new("split")), self.new("join")
            d.flow(source, split)
            ends = []
            for i, branch in enumerate(arg):
                first = self.new("via")
                d.node("intermediateThrowEvent", first)  # a plain pass-through: every branch starts with a node
                last = i == len(arg) - 1
                d.flow(split, first, None if kind == "and" or last else f"pick == {i}", default=kind == "xor" and last)
                ends.append(self.block(branch, first))
            d.node(gateway, join)
            for end in ends:
                d.flow(end, join)
            return join
        node = self.new(kind)
        if kind == "user":
            d.node("userTask", node, lane=arg, body=form(("done", "boolean"), ("remark", "string")))
        elif kind in ("manual", "plain"):
            d.node("manualTask" if kind == "manual" else "task", node, lane=arg)
        elif kind == "timer":
            d.node("intermediateCatchEvent", node, body=timer(arg))
        elif kind == "message":
            d.node("intermediateCatchEvent", node, lane=arg, body=form(("ok", "boolean")) + message_definition(self.message))
        elif kind == "call":
            d.node("callActivity", node, calledElement=arg)
        elif kind == "fails":
            d.node("exclusiveGateway", node)
            taken, other = self.new("taken"), self.new("other")
            d.node("intermediateThrowEvent", taken)
            d.node("exclusiveGateway", other)
            d.flow(source, node)
            d.flow(node, taken, arg)
            d.flow(node, other, default=True)
            d.flow(taken, other)
            return other
        elif kind == "guarded":
            d.node("userTask", node, lane=arg, body=form(("done", "boolean")))
            late, merge = self.new("late"), self.new("merge")
            d.node("boundaryEvent", late, attached_to=node, body=timer("P2D"))
            d.node("exclusiveGateway", merge)
            d.flow(source, node)
            d.flow(node, merge)
            d.flow(late, merge)
            return merge
        d.flow(source, node)
        return node


def build(key: str, block) -> bytes:
    """The document of a process: start (with a `pick` for the exclusive branches) -> block -> end."""
    b = _Builder(key)
    b.d.node("startEvent", "start", body=PARTIES_FORM.replace(
        "</camunda:formData>", '<camunda:formField id="pick" label="pick" type="long" /></camunda:formData>'))
    last = b.block(block, "start")
    b.d.node("endEvent", "end")
    b.d.flow(last, "end")
    if not b.d.messages or not any(n.kind == "intermediateCatchEvent" and "message" in n.body for n in b.d.nodes):
        b.d.messages.clear()
    return b.d.xml()
