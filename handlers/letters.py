"""The letter to parents when a reintegration fails (seed 002, "Sample Letter")."""
from __future__ import annotations

from engine.effects import HandlerContext
from engine.registry import topic


def failure_letter_text(data: dict) -> str:
    """The seed's sample letter, filled from the case. Plain text; shown escaped wherever rendered."""
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


@topic("failure_letter")
def failure_letter(ctx: HandlerContext) -> dict:
    text = failure_letter_text(dict(ctx.data))
    subject = f"Ending of reintegration: {ctx.data.get('pupil_name')}"
    if ctx.data.get("parent_email"):
        ctx.send_mail(ctx.data["parent_email"], subject, text, purpose="failure_letter:parent")
    ctx.send_mail(ctx.policy.la_admissions_email, f"Copy: {subject} (case {ctx.case_id})", text,
                  purpose="failure_letter:admissions")
    return {"failure_letter_sent": True, "failure_letter": text}
