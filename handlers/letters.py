"""The letter to parents when a reintegration fails (the Worcestershire protocol's "Sample Letter")."""
from __future__ import annotations

from engine.effects import HandlerContext
from engine.people_dates import people_date
from engine.registry import topic


def long_date(value) -> str:
    """"2027-02-22" as "22 February 2027", as a letter writes it; anything else as it is."""
    return str(people_date(value))


def letter_fields(data: dict) -> dict:
    """The letter's facts. "Our original meeting" is the initial meeting, whose `meeting_date` every
    later review overwrites: `schedule_reviews` keeps it as `initial_meeting_date`."""
    fields = {k: data.get(k) for k in LETTER_FIELDS}
    fields["meeting_date"] = long_date(data.get("initial_meeting_date") or data.get("meeting_date"))
    fields["date_of_return"] = long_date(data.get("date_of_return"))
    return fields


def failure_letter_text(data: dict) -> str:
    """The seed's sample letter, filled from the case. Plain text; shown escaped wherever rendered."""
    data = {**data, **letter_fields(data)}
    parent = data.get("parent_name") or "Parent/Carer"
    return (
        f"Dear {parent}\n\n"
        f"{data.get('pupil_name')} ({data.get('pupil_dob')})\n\n"
        f"I have today made the decision to end the reintegration arrangement that was set up with "
        f"{data.get('home_school')} and yourself at our original meeting on {data.get('meeting_date')}.\n\n"
        f"The reasons for my decision are as follows:\n{data.get('reasons_for_failure')}\n\n"
        f"The decision to end the reintegration takes place with effect from {data.get('date_of_return')}. "
        f"I enclose details of the review meetings, previous warnings, fixed term exclusions and other "
        f"disciplinary measures that have taken place during the period of the reintegration.\n\n"
        f"The support that was put in place to support the reintegration:\n"
        f"{data.get('support_put_in_place') or 'See the enclosed review records.'}\n\n"
        f"The head teacher of {data.get('home_school')} has been notified of my decision and would like "
        f"to meet with you to discuss what will happen next. I would ask you to contact them urgently.\n\n"
        f"Yours sincerely\n\nHead Teacher, {data.get('host_school')}\n\n"
        f"Copy sent to: Head Teacher of {data.get('home_school')}; School Admissions"
    )


LETTER_FIELDS = ("parent_name", "home_school", "host_school", "meeting_date", "reasons_for_failure",
                 "date_of_return", "support_put_in_place")


@topic("failure_letter")
def failure_letter(ctx: HandlerContext) -> dict:
    """The full letter is kept with the case (for print); the emailed copies name the child by initials."""
    fields = letter_fields(dict(ctx.data))
    if ctx.data.get("parent_email"):
        ctx.send_mail("failure_letter", ctx.data["parent_email"], "failure_letter:parent", **fields)
    ctx.send_mail("failure_letter", "role:la_admissions", "failure_letter:admissions", **fields)
    ctx.send_mail("failure_letter", "role:home_school_head", "failure_letter:home_school", **fields)
    return {"failure_letter_sent": True, "failure_letter": failure_letter_text(dict(ctx.data))}
