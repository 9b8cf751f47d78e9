"""The half-termly list of pupils on a reintegration timetable (the Oxfordshire timetable guidance).

"The names of pupils on a Reintegration Timetable are passed from Education to Social Care, the Youth
Justice Team Operational Group and the Early Help and Prevention Team once per half term", with each
school's plan. Once a half term has ended, the scheduler sends each authority's list for it: every
agreed part-time timetable of the authority live at any point of the half term (those that started
or ended within it included). It goes to the authority's accounts in the roles social_care,
youth_justice and early_help (`parties.AGENCY_ROLES`), one email each, naming pupils by
initials and linking to each case; each listed case is shared with the authority
(`engine.case_shares`), so those accounts can open exactly the cases they were sent, read-only.
`HalfTermList` records each authority's list once: the scheduler's ticks, a restart or a second
scheduler send nothing twice.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, String, UniqueConstraint, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from engine.case_shares import share
from engine.models import Base, Case, OutboxMessage, User, UTCDateTime
from engine.organisations import Organisation
from schooling.facts.reintegration_timetable_model import TimetableFacts
from schooling.models import CaseFacts

from .parties import AGENCY_ROLES
from .terms import Term, half_terms

PROCESS = "reintegration_timetable"
RECIPIENTS = AGENCY_ROLES


class HalfTermList(Base):
    """One authority's list for one half term, sent (`pupils` listed, `recipients` emailed)."""

    __tablename__ = "half_term_lists"
    __table_args__ = (UniqueConstraint("half_term", "authority"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    half_term: Mapped[str] = mapped_column(String(30))
    authority: Mapped[str] = mapped_column(String(255))
    pupils: Mapped[int] = mapped_column(Integer)
    recipients: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


def last_ended(calendar, today: date) -> Term:
    """The latest half term that ended before `today`: the one whose list is due."""
    ended = [t for t in half_terms(calendar, today) if t.end < today]
    if not ended:
        raise LookupError(f"no half term configured before {today}")
    return max(ended, key=lambda t: t.end)


def pupils_on_timetables(session, mail, authority: str, half_term: Term) -> list[dict[str, Any]]:
    """The authority's agreed timetables live at any point of `half_term`: started by its last day and
    not back full time before its first, with the plan's summary, in the order they started."""
    facts, own = CaseFacts, TimetableFacts
    rows = session.execute(
        select(Case).join(facts, facts.case_id == Case.id).join(own, own.case_id == Case.id)
        .where(facts.process == PROCESS, facts.local_authority == authority, own.timetable_agreed.is_(True),
               own.timetable_start <= half_term.end,
               or_(own.full_time_on.is_(None), own.full_time_on >= half_term.start))
        .order_by(own.timetable_start, Case.id)).scalars()
    out = []
    for case in rows:
        data = case.data or {}
        out.append({"case_id": case.id, "initials": case.pupil_initials, "school": data.get("home_school"),
                    "start_date": data.get("start_date"), "full_time_from": data.get("full_time_from"),
                    "limit_date": data.get("timetable_limit_date"), "full_time_on": data.get("full_time_on"),
                    "named_person": data.get("named_person"), "weekly_hours": data.get("weekly_hours") or [],
                    "link": mail.case_link(case.id), "plan_link": f"{mail.case_link(case.id)}/forms/timetable-plan"})
    return out


def send_half_term_list(engine, half_term: Term | None = None, actor: str = "scheduler") -> dict[str, Any]:
    """Send every authority's list for `half_term` (default: the last that ended) not sent yet; says what it did."""
    now = engine.clock.now()
    today = now.astimezone(ZoneInfo(engine.policy.timezone)).date()
    term = half_term or last_ended(engine.policy.school_calendar(), today)
    done = set(engine.session.scalars(select(HalfTermList.authority).where(HalfTermList.half_term == term.id)))
    authorities = engine.session.scalars(select(Organisation.name).where(Organisation.kind == "local_authority")
                                         .order_by(Organisation.name))
    sent = [_send(engine, term, authority, now, actor) for authority in authorities if authority not in done]
    return {"half_term": term.id, "lists": sent}


def send_due_lists(engine) -> dict[str, Any]:
    """The scheduler's job, on every tick: send the lists of the half term that last ended that are not sent yet."""
    return send_half_term_list(engine)


def _send(engine, term: Term, authority: str, now: datetime, actor: str) -> dict[str, Any]:
    session = engine.session
    pupils = pupils_on_timetables(session, engine.mail, authority, term)
    share(session, [p["case_id"] for p in pupils], authority, f"half-termly timetable list, {term.id}", now, actor)
    people = session.scalars(select(User).where(User.role.in_(RECIPIENTS), User.org == authority,
                                                User.org_id.is_not(None)).order_by(User.role, User.name)).all()
    context = {"half_term": term.id, "first_day": term.start.isoformat(), "last_day": term.end.isoformat(),
               "pupils": pupils, "authority": authority, "link": f"{engine.mail.base_url}/cases",
               "initials": "", "case_id": ""}
    rendered = engine.mail.render("timetable_half_term_list", context)
    queued, no_email = [], []
    for user in people:
        if not user.email:
            no_email.append(user.name)
            continue
        key = f"timetable_list:{term.id}:{user.name}"
        if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)) is None:
            session.add(OutboxMessage(case_id=None, idempotency_key=key, kind="timetable_half_term_list",
                                      recipient=user.email, subject=rendered.subject, body=rendered.text,
                                      html=rendered.html, created_at=now, next_attempt_at=now))
            queued.append(user.email)
    missing = [role for role in RECIPIENTS if not any(u.role == role for u in people)]
    session.add(HalfTermList(half_term=term.id, authority=authority, pupils=len(pupils), recipients=len(queued),
                             sent_at=now))
    session.flush()
    return {"authority": authority, "pupils": [p["case_id"] for p in pupils], "queued": queued,
            "no_email": no_email, "no_account": missing}
