"""DMN decision tables deployed with a diagram: finding them, hashing them, checking them.

A process version is its BPMN document plus the DMN documents its business rule tasks name in
`camunda:decisionRef`, found beside the BPMN file. Each DMN document holds one decision (SpiffWorkflow
reads the first decision of a file) with one decision table whose cells are restricted expressions,
like every other expression in a diagram.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from lxml import etree
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS

from .errors import Problem
from .forms import CAMUNDA_NS
from .process_info import BPMN_NS
from .safe_xml import parse_xml
from .scripting import ExpressionRefused, compile_expression

# `?` stands for the input value in a cell such as `0 < ? < 5` (SpiffWorkflow's own convention).
_QUESTION = re.compile(r"""(\?)(?=(?:[^'"]|['"][^'"]*['"])*$)""")


def decision_refs(root) -> list[tuple[str, str | None, int | None]]:
    """(task id, decisionRef, line) of every business rule task in a parsed BPMN document."""
    return [(el.get("id"), el.get(f"{{{CAMUNDA_NS}}}decisionRef"), el.sourceline)
            for el in root.iter(f"{{{BPMN_NS}}}businessRuleTask")]


def _parse(content: bytes | str):
    return parse_xml(content)


def _decision_ids(content: bytes) -> list[str]:
    try:
        root = _parse(content)
    except etree.XMLSyntaxError:
        return []
    return [d.get("id") for d in root.iter() if isinstance(d.tag, str) and etree.QName(d).localname == "decision"]


def documents_beside(bpmn_path: str | Path, content: bytes | None = None) -> dict[str, bytes]:
    """The DMN files in the BPMN file's directory that define a decision its rule tasks reference.

    A file named `<decisionRef>.dmn` is taken even when it cannot be read as DMN, so that validation
    reports what is wrong with it rather than only that the decision is missing.
    """
    path = Path(bpmn_path)
    content = path.read_bytes() if content is None else content
    try:
        refs = {ref for _, ref, _ in decision_refs(_parse(content)) if ref}
    except etree.XMLSyntaxError:
        return {}
    found: dict[str, bytes] = {}
    for dmn in sorted(path.parent.glob("*.dmn")):
        data = dmn.read_bytes()
        if dmn.stem in refs or refs & set(_decision_ids(data)):
            found[dmn.name] = data
    return found


def content_hash(content: bytes, documents: Mapping[str, bytes] | None = None) -> str:
    """A version's hash: the BPMN alone when it has no documents (as before DMN), else all of them."""
    digest = hashlib.sha256(content)
    for name in sorted(documents or {}):
        digest.update(b"\0" + name.encode() + b"\0" + documents[name])
    return digest.hexdigest()


@lru_cache(maxsize=4)
def _schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _cell_problem(text: str | None, kind: str) -> str | None:
    """Why a decision table cell is refused, or None. Input entries may be `-`, a value, or `op value`."""
    text = (text or "").strip()
    if not text or (kind == "input entry" and text == "-"):
        return None if kind != "input expression" else "an input has no expression"
    candidates = [text]
    if kind == "input entry":
        candidates = [_QUESTION.sub("dmninputexpr", text), f"dmninputexpr {text}"]
    errors = []
    for candidate in candidates:
        try:
            compile_expression(candidate)
            return None
        except ExpressionRefused as exc:
            errors.append(str(exc))
    return f"{kind} {text!r}: {errors[0]}"


def _check_document(name: str, content: bytes) -> tuple[list[str], list[Problem]]:
    try:
        root = _parse(content)
    except etree.XMLSyntaxError as exc:
        return [], [Problem(name, exc.lineno, f"not well-formed XML: {exc.msg}")]
    namespace = etree.QName(root).namespace
    if _local(root) != "definitions" or namespace not in SCHEMAS:
        return [], [Problem(name, root.sourceline, f"not a DMN document: root element is {root.tag}")]
    schema = _schema(SCHEMAS[namespace])
    if not schema.validate(root):
        return [], [Problem(name, e.line, f"DMN schema: {e.message}") for e in schema.error_log]
    decisions = [d for d in root if _local(d) == "decision"]
    problems = []
    if len(decisions) != 1:
        problems.append(Problem(name, root.sourceline, f"expected one decision per DMN file, found {len(decisions)}"))
    for decision in decisions[:1]:
        tables = [t for t in decision if _local(t) == "decisionTable"]
        if len(tables) != 1:
            problems.append(Problem(name, decision.sourceline, "a decision needs exactly one decision table",
                                    decision.get("id")))
            continue
        for el in tables[0].iter():
            kind = {"inputExpression": "input expression", "inputEntry": "input entry",
                    "outputEntry": "output entry"}.get(_local(el))
            if kind:
                text = next((t.text for t in el if _local(t) == "text"), None)
                if (msg := _cell_problem(text, kind)) is not None:
                    problems.append(Problem(name, el.sourceline, msg, decision.get("id")))
    return [d.get("id") for d in decisions], problems


def check_documents(root, filename: str, documents: Mapping[str, bytes]) -> list[Problem]:
    """Problems with the DMN documents and with the decision references of the BPMN `root`."""
    problems: list[Problem] = []
    defined: dict[str, str] = {}
    for name in sorted(documents):
        ids, found = _check_document(name, documents[name])
        problems += found
        defined.update({i: name for i in ids})
    for task_id, ref, line in decision_refs(root):
        if not ref:
            problems.append(Problem(filename, line, "business rule task has no camunda:decisionRef", task_id))
        elif ref not in defined:
            hint = f"decisions found: {', '.join(sorted(defined))}" if defined else "no DMN file was found"
            problems.append(Problem(filename, line, f"camunda:decisionRef {ref!r} names no decision: put "
                                                    f"{ref}.dmn beside the diagram ({hint})", task_id))
    return problems
