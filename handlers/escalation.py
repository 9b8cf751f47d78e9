"""Reminders before a deadline and escalations after it, for any deadline task of any process.

The BPMN holds the rule (non-interrupting boundary timers on the task); each service task says, in
its camunda:properties, which task it watches (`task`), the variable holding its due date (`due`),
whom to tell (`to`, a role) and, for escalations, the rule that was broken (`rule`). The mail names
the task as the pages do and links to it (the engine adds `task_title` and `task_link` for `task`).
"""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from engine.effects import HandlerContext
from engine.registry import topic


@topic("deadline_reminder")
def deadline_reminder(ctx: HandlerContext) -> dict:
    task, to = ctx.params["task"], ctx.params["to"]
    due = ctx.data.get(ctx.params["due"])
    # Keyed by the due date too: a task whose deadline moved (a review) is reminded of the new one.
    ctx.send_mail("deadline_reminder", f"role:{to}", f"reminder:{task}:{due}", about_task=task, task=task, due=due)
    return {"reminded": [*ctx.data.get("reminded", []), task]}


@topic("deadline_escalation")
def deadline_escalation(ctx: HandlerContext) -> dict:
    """Escalate to the role above; repeated by the timer's cycle until the task is done."""
    task, to, due = ctx.params["task"], ctx.params["to"], ctx.data.get(ctx.params["due"])
    # Counted from the calendar, not from task data: each repeat runs on a branch holding the data of
    # when the timer started, so a counter kept there would never move.
    repeat = ctx.policy.escalation_repeat_days
    late = (ctx.now.astimezone(ZoneInfo(ctx.policy.timezone)).date() - date.fromisoformat(due)).days - 1
    number = max(late, 0) // repeat + 1
    ctx.send_mail("deadline_escalation", f"role:{to}", f"escalation:{task}:{due}:{number}", about_task=task, task=task,
                  due=due, rule=ctx.params.get("rule", ""), escalation_number=number, repeat_days=repeat)
    return {f"{task}_escalations": number}
