"""A subject access request: everything held about a person, across every process, as one zip archive.

The person is the one the named case is about (the service's `Subject`, `engine.parties`); their other
cases are those of any process with the same name and date of birth in the fields the subject names
(there is no register of people: these two, compared without regard to case or spacing, are what
every start form asks for). The export names the person with the service's word for them. For each
case the archive holds its data and state, every event of its history, the mail it sent (letters and
emails, with their bodies), its incidents, the access log (who read it, when) and what retention
erased, if anything. It holds the same content twice: `subject-access.json` for a machine and
`subject-access.html` for a person. Each case exported is a read on its access log.
"""
from __future__ import annotations

import io
import json
import zipfile
from html import escape
from typing import Any

from sqlalchemy import select

from . import drafts, parties
from .errors import NotFound
from .history import event_json
from .incidents import Incident
from .models import Case, HistoryEvent, OutboxMessage
from .reads import access_log, record_read
from .redactions import redactions_of

ACTION = "subject access export"


def how_found() -> str:
    """How the export found the person's cases, in the words of the service's subject (`engine.parties`)."""
    return (f"The {parties.table().subject.word}'s cases are the requested one and every case, of any process, "
            "with the same name and date of birth.")


def _key(data: dict[str, Any]) -> tuple[str, str] | None:
    subject = parties.table().subject
    name, dob = data.get(subject.name_field), data.get(subject.birth_date_field)
    if not isinstance(name, str) or not name.strip() or not dob:
        return None
    return " ".join(name.casefold().split()), str(dob)


def subject_cases(session, case: Case) -> list[Case]:
    """The case and every other case, of any process, about the same person (the same name and date of
    birth, in the fields the service's subject names), oldest first."""
    key = _key(case.data or {})
    if key is None:
        return [case]
    birth_date = parties.table().subject.birth_date_field
    candidates = session.scalars(select(Case).where(Case.data[birth_date].as_string() == key[1])
                                 .order_by(Case.created_at, Case.id))
    found = [c for c in candidates if _key(c.data or {}) == key]
    return found if case in found else [case, *found]


def _case_record(eng, case: Case, reader: str) -> dict[str, Any]:
    session = eng.session
    record_read(session, eng.clock.now(), case.id, reader, ACTION)
    session.flush()
    shown = eng.show_case(case.id, viewer=reader)
    events = session.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case.id).order_by(HistoryEvent.seq))
    mail = session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id).order_by(OutboxMessage.id))
    incidents = session.scalars(select(Incident).where(Incident.case_id == case.id).order_by(Incident.id))
    return {
        "case": {**shown, "opened_at": case.created_at.isoformat(), "started_by": case.started_by},
        "history": [event_json(e) for e in events],
        "mail": [{"kind": m.kind, "to": m.recipient, "subject": m.subject, "body": m.body,
                  "created_at": m.created_at.isoformat(), "sent_at": m.sent_at.isoformat() if m.sent_at else None}
                 for m in mail],
        "incidents": [{"at": i.created_at.isoformat(), "element": i.element, "action": i.action, "error": i.error,
                       "submitted": i.payload, "status": i.status} for i in incidents],
        "access_log": access_log(session, case.id),
        "redactions": redactions_of(session, case.id),
        "drafts": [drafts.to_json(d) for d in drafts.of_case(session, case.id)],
    }


def export_archive(eng, case_id: str, reader: str) -> tuple[str, bytes, dict[str, Any]]:
    """(file name, zip bytes, summary) of everything held about the pupil of `case_id`."""
    case = eng.session.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id!r}")
    cases = [_case_record(eng, c, reader) for c in subject_cases(eng.session, case)]
    now = eng.clock.now()
    subject, data = parties.table().subject, case.data or {}
    name = data.get(subject.name_field) or f"the {subject.word} of case {case_id} (name erased)"
    document = {"subject_access_request": {subject.word: name, subject.birth_date_field: data.get(subject.birth_date_field),
                                           "requested_case": case_id, "exported_at": now.isoformat(),
                                           "exported_by": reader, "how_cases_were_found": how_found()},
                "cases": cases}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("subject-access.json", json.dumps(document, indent=2, ensure_ascii=False, default=str))
        archive.writestr("subject-access.html", render_html(document))
    summary = {subject.word: name, "cases": len(cases), "case_ids": [c["case"]["case_id"] for c in cases],
               "events": sum(len(c["history"]) for c in cases), "messages": sum(len(c["mail"]) for c in cases),
               "reads": sum(len(c["access_log"]) for c in cases)}
    return f"subject-access-{case_id}-{now.date().isoformat()}.zip", buffer.getvalue(), summary


def _value(value: Any) -> str:
    if isinstance(value, dict | list):
        return f"<pre>{escape(json.dumps(value, indent=1, ensure_ascii=False, default=str))}</pre>"
    return escape("" if value is None else str(value))


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th scope=\"col\">{escape(c.replace('_', ' '))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_value(r.get(c))}</td>" for c in columns) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(document: dict[str, Any]) -> str:
    """The archive's content as a page a person can read (and print)."""
    request, word = document["subject_access_request"], parties.table().subject.word
    parts = [f"<h1>Information held about {escape(str(request[word]))}</h1>",
             f"<p>Exported {escape(request['exported_at'])} by {escape(request['exported_by'])}, from case "
             f"{escape(request['requested_case'])}. {escape(request['how_cases_were_found'])}</p>"]
    for record in document["cases"]:
        case = record["case"]
        parts += [f"<h2>Case {escape(case['case_id'])}: {escape(case['process'])} ({escape(case['status'])})</h2>",
                  f"<p>Opened {escape(case['opened_at'])} by {escape(case['started_by'])}.</p>",
                  "<h3>Data held</h3>", _table([{"field": k, "value": v} for k, v in case["data"].items()],
                                               ("field", "value")),
                  "<h3>What was erased under the retention policy</h3>",
                  _table(record["redactions"], ("at", "by", "reason", "erased")),
                  "<h3>Every event</h3>",
                  _table(record["history"], ("seq", "at", "actor", "kind", "element", "data", "redacted")),
                  "<h3>Letters and emails</h3>",
                  _table(record["mail"], ("created_at", "sent_at", "to", "subject", "body")),
                  "<h3>Forms saved to finish later</h3>",
                  _table(record.get("drafts", []), ("saved_at", "saved_by", "lane", "answers")),
                  "<h3>Failures recorded</h3>", _table(record["incidents"], ("at", "element", "error", "submitted")),
                  "<h3>Who has read this case</h3>", _table(record["access_log"], ("at", "actor", "action"))]
    style = ("body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
             "table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}"
             "th,td{border:1px solid #b1b4b6;padding:.3rem;text-align:left;vertical-align:top}"
             "pre{white-space:pre-wrap;margin:0;font-size:.85rem}")
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Subject access: "
            f"{escape(str(request[word]))}</title><style>{style}</style></head><body>{''.join(parts)}</body></html>")
