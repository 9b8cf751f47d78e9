"""The letter to parents when a reintegration fails (the Worcestershire protocol's "Sample Letter"): the host head
teacher's decision, with the reasons in plain English, the checks an exclusion-like decision needs, and the
evidence listed in the letter itself (the review meetings, warnings, suspensions and other measures, and the
support given), signed by the head; copied to the school the pupil returns to and to School Admissions."""
from __future__ import annotations

from datetime import date

from engine.effects import HandlerContext
from engine.people_dates import people_date
from engine.registry import topic

from .deadlines import watch
from .rolls import home_setting


def long_date(value) -> str:
    """"2027-02-22" as "22 February 2027", as a letter writes it; anything else as it is."""
    return str(people_date(value))


def review_meetings(data: dict, facts: dict) -> list[str]:
    """The meetings of the reintegration, one line each: the case's own record of each review (the engine looks
    them up in the case's history for this letter), else (a draft) what the case's data still holds."""
    held = facts.get("review_meetings")
    if held is None:
        held = [{"title": "Initial reintegration meeting", "date": data.get("initial_meeting_date")}]
        if data.get("emergency_decision") == "end":
            held.append({"title": "Emergency review", "date": data.get("meeting_date"),
                         "outcome": "the reintegration ends"})
        elif data.get("final_outcome"):
            held.append({"title": "Final review", "date": data.get("meeting_date"),
                         "outcome": data.get("outcome_of_review")})
    return [f"{m['title']}, {long_date(m.get('date'))}" + (f": {m['outcome']}" if m.get("outcome") else "")
            for m in held if m.get("date")]


def letter_fields(data: dict, facts: dict | None = None) -> dict:
    """The letter's facts. "Our original meeting" is the initial meeting, whose `meeting_date` every
    later review overwrites: `schedule_reviews` keeps it as `initial_meeting_date`."""
    returns_to, _ = home_setting(data)
    harassment = {"not_provoked": "it was not provoked by racial or sexual harassment",
                  "provoked": "it was provoked by racial or sexual harassment"}.get(data.get("harassment_finding"), "")
    if data.get("harassment_notes"):
        notes = data["harassment_notes"].strip().rstrip(".")
        harassment = f"{harassment} ({notes})" if harassment else notes
    return {
        "parent_name": data.get("parent_name"), "host_school": data.get("host_school"), "returns_to": returns_to,
        "meeting_date": long_date(data.get("initial_meeting_date") or data.get("meeting_date")),
        "reasons": data.get("decision_reasons") or data.get("reasons_for_failure"),
        "investigation": data.get("investigation"), "harassment": harassment,
        "child_account": data.get("child_account"),
        "effective_date": long_date(data.get("decision_effective_date") or data.get("date_of_return")),
        "meetings": review_meetings(data, facts or {}),
        "warnings": data.get("warnings_given") or "None recorded.",
        "suspensions": data.get("suspensions") or "None.",
        "other_measures": data.get("other_measures") or "None recorded.",
        "support": data.get("support_put_in_place") or "None recorded.",
        "head_teacher": data.get("head_teacher_name") or "Head Teacher",
    }


def failure_letter_text(data: dict, facts: dict | None = None) -> str:
    """The seed's sample letter, filled from the case. Plain text; shown escaped wherever rendered."""
    f = letter_fields(data, facts)
    meetings = "".join(f"\n- {line}" for line in f["meetings"]) or "\n- None recorded."
    checks = ""
    if f["investigation"] or f["harassment"] or f["child_account"]:
        checks = (f"\n\nBefore making my decision I made sure that any key incident was investigated fully: "
                  f"{f['investigation']}\nI checked whether the incident was provoked by racial or sexual harassment: "
                  f"{f['harassment']}.\n{data.get('pupil_name')} was allowed to give their version of events: "
                  f"{f['child_account']}")
    return (
        f"Dear {f['parent_name'] or 'Parent/Carer'}\n\n"
        f"{data.get('pupil_name')} ({people_date(data.get('pupil_dob'))})\n\n"
        f"I have today made the decision to end the reintegration arrangement that was set up with "
        f"{f['returns_to']} and yourself at our original meeting on {f['meeting_date']}.\n\n"
        f"The reasons for my decision are as follows:\n{f['reasons']}{checks}\n\n"
        f"The decision to end the reintegration takes place with effect from {f['effective_date']}. "
        f"These are the details of the review meetings, previous warnings, fixed term exclusions and other "
        f"disciplinary measures that have taken place during the period of the reintegration, that support my "
        f"decision:\n\nReview meetings:{meetings}\n\nPrevious warnings: {f['warnings']}\n\n"
        f"Fixed term exclusions (suspensions): {f['suspensions']}\n\nOther disciplinary measures: "
        f"{f['other_measures']}\n\n"
        f"The support that was put in place to support the reintegration:\n{f['support']}\n\n"
        f"The head teacher of {f['returns_to']} has been notified of my decision and would like "
        f"to meet with you to discuss what will happen next. I would ask you to contact them urgently.\n\n"
        f"Yours sincerely\n\n{f['head_teacher']}\nHead Teacher, {f['host_school']}\n\n"
        f"Copy sent to: Head Teacher of {f['returns_to']}; School Admissions"
    )


@topic("failure_letter")
def failure_letter(ctx: HandlerContext) -> dict:
    """The full letter is kept with the case (for print); the emailed copies name the child by initials and
    carry the same reasons, checks and evidence."""
    data = dict(ctx.data)
    fields = letter_fields(data, dict(ctx.facts))
    _, party = home_setting(data)
    if data.get("parent_email"):
        ctx.send_mail("failure_letter", data["parent_email"], "failure_letter:parent", **fields)
    ctx.send_mail("failure_letter", "role:la_admissions", "failure_letter:admissions", **fields)
    ctx.send_mail("failure_letter", f"role:{party}_head", f"failure_letter:{party}", **fields)
    out = {"failure_letter_sent": True, "failure_letter": failure_letter_text(data, dict(ctx.facts))}
    if data.get("decision_effective_date"):  # the deletion from the host roll is due then: reminded before, escalated after
        out.update(watch(ctx, "remove_from_roll", date.fromisoformat(data["decision_effective_date"])))
    return out
