"""The half-termly list of pupils on a reintegration timetable (the Oxfordshire timetable guidance).

"The names of pupils on a Reintegration Timetable are passed from Education to Social Care, the Youth
Justice Team Operational Group and the Early Help and Prevention Team once per half term", with each
school's plan. One email per recipient per half term, written to the outbox; sending it again in the
same half term is a no-op (idempotency key). Emails name pupils by initials and link to each case.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.models import Case, OutboxMessage

from .terms import half_term_of

PROCESS = "reintegration_timetable"
RECIPIENTS = ("social_care", "youth_justice", "early_help")


def pupils_on_timetables(session, mail) -> list[dict[str, Any]]:
    """Running timetable cases whose timetable has been agreed, with the plan's summary."""
    rows = session.scalars(select(Case).where(Case.process_key == PROCESS, Case.status == "running")
                           .order_by(Case.created_at, Case.id))
    out = []
    for case in rows:
        data = case.data or {}
        if data.get("timetable_agreed") is not True:
            continue
        out.append({"case_id": case.id, "initials": case.pupil_initials, "school": data.get("home_school"),
                    "start_date": data.get("start_date"), "full_time_from": data.get("full_time_from"),
                    "limit_date": data.get("timetable_limit_date"), "named_person": data.get("named_person"),
                    "weekly_hours": data.get("weekly_hours") or [], "link": mail.case_link(case.id)})
    return out


def send_half_term_list(engine) -> dict[str, Any]:
    """Queue this half term's list for each recipient in the policy's contacts; says what it did."""
    now = engine.clock.now()
    half_term = half_term_of(engine.policy.school_calendar(), now.date()).id
    pupils = pupils_on_timetables(engine.session, engine.mail)
    context = {"half_term": half_term, "pupils": pupils, "authority": engine.policy.authority_name,
               "link": f"{engine.mail.base_url}/cases", "initials": "", "case_id": ""}
    rendered = engine.mail.render("timetable_half_term_list", context)
    queued, missing = [], []
    for who in RECIPIENTS:
        address = engine.policy.contacts.get(who)
        if not address:
            missing.append(who)
            continue
        key = f"timetable_list:{half_term}:{address}"
        if engine.session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)):
            continue
        engine.session.add(OutboxMessage(
            case_id=None, idempotency_key=key, kind="timetable_half_term_list", recipient=address,
            subject=rendered.subject, body=rendered.text, html=rendered.html, created_at=now, next_attempt_at=now))
        queued.append(address)
    engine.session.flush()
    return {"half_term": half_term, "pupils": [p["case_id"] for p in pupils], "queued": queued,
            "no_address": missing}
