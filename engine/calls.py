"""Call activities: a process that calls another deployed process.

A `bpmn:callActivity` names the process it calls by key (`calledElement`) and, as in Camunda 7, how
the version is chosen: `camunda:calledElementBinding="version"` with `camunda:calledElementVersion="N"`
pins version N; without them (Camunda's "latest") it is the called process's active version when
the caller is deployed. Either way the called version is resolved at deploy and stored with the
caller, like its DMN tables: its BPMN (and the documents deployed with it, so the called process's
own calls and decision tables too) go into the caller version's `documents` under
`<key>.v<N>.bpmn`. A version stays immutable and replays the same; to take up a newer version of a
called process, deploy the caller again (its content hash then differs, so it is a new version).

Refused at deploy, each with the reason: a call to the process itself, directly or through the
processes it calls (a case would call without end); a call to a process or version not deployed;
two versions of one process among the calls; an element id used both in the caller and in a process
it calls (the task lists, lanes and forms go by element id).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from .active_versions import active_version
from .errors import NotFound, Problem
from .models import ProcessVersion
from .process_info import BPMN_NS, NS
from .safe_xml import parse_xml

CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
T = TypeVar("T")


def is_called_document(name: str) -> bool:
    """A document stored with a version that is the BPMN of a process it calls (not a DMN table)."""
    return name.endswith(".bpmn")


def _process_of(xml: bytes | str):
    """The executable process element of a BPMN document."""
    root = parse_xml(xml.encode() if isinstance(xml, str) else xml)
    return next(p for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable", "true") != "false")


def _ids(process) -> set[str]:
    """The ids of the flow nodes (tasks, events, gateways, activities): what task rows, timers and
    message catches are known by. Sequence flows and lanes may repeat across a call."""
    return {el.get("id") for el in process.iter() if isinstance(el.tag, str) and el.tag.startswith(f"{{{BPMN_NS}}}")
            and el.get("id") and _is_flow_node(el.tag.split("}")[1])}


def _is_flow_node(local: str) -> bool:
    return local.endswith(("Task", "Event", "Gateway")) or local in ("task", "callActivity", "subProcess",
                                                                    "transaction")


def resolve_calls(session: Session, content: bytes, filename: str) -> tuple[dict[str, bytes], list[Problem]]:
    """The documents the call activities of this BPMN document need, from the deployed versions they
    name, and the problems with those calls. A document that is not one BPMN process gives ({}, []):
    validation says what is wrong with it."""
    try:
        root = parse_xml(content)
        processes = [p for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable", "true") != "false"]
    except (etree.XMLSyntaxError, ValueError):
        return {}, []
    if len(processes) != 1:
        return {}, []
    process, key = processes[0], processes[0].get("id")
    documents: dict[str, bytes] = {}
    problems: list[Problem] = []
    for call in process.iter(f"{{{BPMN_NS}}}callActivity"):
        found, problem = _called(session, call, key)
        if problem:
            problems.append(Problem(filename, call.sourceline, problem, call.get("id")))
            continue
        for name, doc in found.items():
            if name in documents and documents[name] != doc:
                problems.append(Problem(filename, call.sourceline, f"the processes called need two different "
                                        f"documents named {name!r}: call versions that agree", call.get("id")))
            documents[name] = doc
    if not problems:
        problems += _clashes(process, documents, filename)
    return documents, problems


def _called(session: Session, call, key: str) -> tuple[dict[str, bytes], str | None]:
    """(the documents one call activity brings, or the reason it cannot be deployed)."""
    ref = (call.get("calledElement") or "").strip()
    if not ref:
        return {}, "call activity names no process: set calledElement to the key of a deployed process"
    if ref == key:
        return {}, f"call activity calls {key}, its own process: a process may not call itself (a case would never end)"
    binding = call.get(f"{CAMUNDA}calledElementBinding") or "latest"
    number = call.get(f"{CAMUNDA}calledElementVersion")
    if binding not in ("latest", "version") or (binding == "version") != (number is not None):
        return {}, ('choose the called version with camunda:calledElementBinding="version" and '
                    'camunda:calledElementVersion="N", or leave both out for the active version')
    try:
        row = (session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == ref,
                                                           ProcessVersion.version == int(number)))
               if number is not None else active_version(session, ref))
    except (NotFound, ValueError):
        row = None
    if row is None:
        what = f"{ref} v{number}" if number is not None else f"process {ref}"
        return {}, f"call activity calls {what}, which is not deployed: deploy it first (see `reintegrate process list`)"
    found = {f"{ref}.v{row.version}.bpmn": row.bpmn_xml.encode(),
             **{name: doc.encode() for name, doc in (row.documents or {}).items()}}
    through = sorted({_process_of(doc).get("id") for name, doc in found.items() if is_called_document(name)} - {ref})
    if key in through:
        return {}, (f"call activity calls {ref}, which calls {key} in turn: a process may not call itself, "
                    "directly or through the processes it calls (a case would never end)")
    return found, None


def _clashes(process, documents: dict[str, bytes], filename: str) -> list[Problem]:
    """Element ids used both by the caller and a process it calls, or by two called processes."""
    problems: list[Problem] = []
    seen = {i: process.get("id") for i in _ids(process)}
    versions: dict[str, str] = {}  # called process -> the document that holds it
    for name in sorted(documents):
        if not is_called_document(name):
            continue
        called = _process_of(documents[name])
        other = versions.setdefault(called.get("id"), name)
        if other != name:
            problems.append(Problem(filename, None, f"the processes called use two versions of {called.get('id')} "
                                    f"({other} and {name}): pin them to the same one", called.get("id")))
            continue
        for element in sorted(_ids(called)):
            owner = seen.setdefault(element, called.get("id"))
            if owner != called.get("id"):
                problems.append(Problem(filename, None, f"element id {element!r} is used both in {owner} and in "
                                        f"{called.get('id')}, which it calls: give it another id in one of them",
                                        element))
    return problems


def key_and_calls(content: bytes) -> tuple[str | None, set[str]]:
    """(the key of a BPMN document's process, the keys its call activities call); (None, set()) for
    a document that does not parse (validation says why)."""
    try:
        process = _process_of(content)
    except (etree.XMLSyntaxError, ValueError, StopIteration):
        return None, set()
    return process.get("id"), {c.get("calledElement") for c in process.iter(f"{{{BPMN_NS}}}callActivity")}


def in_call_order(items: list[T], content_of: Callable[[T], bytes]) -> list[T]:
    """`items` (BPMN documents to deploy together) ordered so that a process comes before the ones
    among them that call it; otherwise as given. A document that does not parse keeps its place
    (validation reports it), and so do the documents of a cycle (their deploy refuses them)."""
    keys = [key_and_calls(content_of(item)) for item in items]
    ordered: list[int] = []
    waiting = list(range(len(items)))
    while waiting:
        pending = {keys[i][0] for i in waiting}
        ready = [i for i in waiting if not (keys[i][1] - {keys[i][0]}) & pending] or waiting[:1]
        ordered.append(ready[0])
        waiting.remove(ready[0])
    return [items[i] for i in ordered]
