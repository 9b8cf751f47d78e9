"""A whole reintegration case in which every deadline is missed once: each reminder and escalation
reaches a real SMTP server (aiosmtpd) exactly once, on the right school day, addressed to the right role,
naming the task as its page does and linking to that task ("Open the task"), not to the case."""
from __future__ import annotations

import email
import socket
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from cli import scenarios as s
from engine.access import add_user
from engine.outbox import SmtpSettings, SmtpTransport, deliver_due
from engine.people_dates import people_date
from tests.conftest import REINTEGRATION

LONDON = ZoneInfo("Europe/London")
DEADLINES = {  # task -> (due variable, reminder recipient, escalation recipient)
    "allocate_place": ("fair_access_deadline", "admissions@authority.example", "admissions.manager@authority.example"),
    "interim_review_1": ("review_1_date", "key.worker@kingsmead.example", "head.host-school@schools.example"),
    "interim_review_2": ("review_2_date", "key.worker@kingsmead.example", "head.host-school@schools.example"),
    "final_review": ("review_3_date", "key.worker@kingsmead.example", "head.host-school@schools.example"),
}

#: Tasks that become ready after their deadline in this case: task -> (due variable, reminded, escalated to).
LATE = {
    "confirm_host_place": ("fair_access_deadline", "head.host-school@schools.example",
                           "admissions.manager@authority.example"),
    "confirm_dual_registration": ("dual_registration_due", "head.ap@schools.example", "admissions@authority.example"),
}

#: Tasks that become ready on their due day, after their reminder day, and are done that day: the reminder
#: goes at once, no escalation. The Leavers Form is due the day the pupil goes on the host school's roll
#: (`leavers_form_days` 0), and the outcome is recorded that day (a date that happened is not in the future).
DUE_TODAY = {"complete_leavers_form": ("leavers_form_due", "head.ap@schools.example")}


class Inbox:
    def __init__(self):
        self.received = []  # (local date, recipient, subject)
        self.bodies = {}  # subject -> the plain-text body
        self.today = None

    async def handle_DATA(self, server, session, envelope):
        # a long subject is folded over two header lines: read it with the email parser, unfolded
        message = email.message_from_bytes(envelope.content)
        subject = " ".join(str(message["Subject"]).split())
        plain = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        self.bodies[subject] = plain.get_payload(decode=True).decode()
        self.received += [(self.today, to, subject) for to in envelope.rcpt_tos]
        return "250 OK"


@pytest.fixture
def smtp():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, SmtpTransport(SmtpSettings(host="127.0.0.1", port=port))
    controller.stop()


def test_every_deadline_missed_once(harness, smtp):
    h, (inbox, transport) = harness, smtp
    with h.sessions() as ses:  # the host school's staff have an address; the others are policy contacts
        add_user(ses, "kim.keyworker", "host_school", "Kingsmead High School", h.clock.now(),
                 email="key.worker@kingsmead.example")
        ses.commit()
    h.deploy(REINTEGRATION)
    calendar = h.policy.school_calendar()

    def at(moment: datetime) -> None:
        h.clock.set(moment)
        inbox.today = moment.astimezone(LONDON).date()
        h.fire()
        deliver_due(h.sessions, h.clock.now, transport)

    h.clock.set(datetime(2027, 1, 4, 9, tzinfo=UTC))
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    expected = []
    for element, data in s.HAPPY_PATH.items():
        task = h.task(case_id, element)
        if element in DEADLINES:
            due_var, remind_to, escalate_to = DEADLINES[element]
            case = h.call("show_case", case_id)
            due = date.fromisoformat(case["data"][due_var])
            timers = {t["task"]: datetime.fromisoformat(t["due"]) for t in case["waiting_timers"]}
            reminder = timers.get(f"{element}_reminder")
            if reminder is None:  # the reminder day had passed when the task became ready: sent at once
                reminder = h.clock.now()
                assert calendar.school_days_between(reminder.astimezone(LONDON).date(), due) < 2
            else:
                assert calendar.is_school_day(reminder.astimezone(LONDON).date())
                assert calendar.school_days_between(reminder.astimezone(LONDON).date(), due) == 2
                at(reminder - timedelta(seconds=1))
            at(reminder + timedelta(seconds=1))
            at(datetime.combine(due + timedelta(days=1), datetime.min.time(), LONDON).replace(hour=9)
               + timedelta(seconds=1))
            title = task["title"]  # as the task list and the task page name it
            expected += [(reminder.astimezone(LONDON).date(), remind_to, f"Due {people_date(due)}: {title}", task),
                         (due + timedelta(days=1), escalate_to, f"Overdue since {people_date(due)}: {title}", task)]
        if element in LATE:
            # The step before it ran past this task's own deadline (the Fair Access offer came late, and so
            # the placement started late): its reminder and escalation go as soon as it is ready.
            due_var, remind_to, escalate_to = LATE[element]
            at(h.clock.now())
            due = h.call("show_case", case_id)["data"][due_var]
            today, title = h.clock.now().astimezone(LONDON).date(), task["title"]
            expected += [(today, remind_to, f"Due {people_date(due)}: {title}", task),
                         (today, escalate_to, f"Overdue since {people_date(due)}: {title}", task)]
        if element in DUE_TODAY:
            due_var, remind_to = DUE_TODAY[element]
            at(h.clock.now())
            due = date.fromisoformat(h.call("show_case", case_id)["data"][due_var])
            assert due == h.clock.now().astimezone(LONDON).date()
            expected += [(due, remind_to, f"Due {people_date(due)}: {task['title']}", task)]
        h.catch_up(data, task["form"])
        h.call("complete_task", task["task_id"], data, {"ap_setting": "ava.ap", "la_admissions": "lee.la",
                                                        "host_school": "hana.host"}[task["lane"]])
    assert h.call("show_case", case_id)["status"] == "completed"
    at(h.clock.now() + timedelta(days=30))  # nothing more is sent once the tasks are done

    watched = [(day, to, subject) for day, to, subject in inbox.received if "Due " in subject or "Overdue" in subject]
    assert len(watched) == len(expected) == 13  # 12, and the Leavers Form's reminder (DUE_TODAY)
    for day, to, prefix, task in expected:
        matches = [w for w in watched if w[0] == day and w[1] == to and w[2].startswith(prefix)]
        assert len(matches) == 1, (day, to, prefix, watched)
        body = inbox.bodies[matches[0][2]]
        assert f'"{task["title"]}"' in body, body
        assert f"Open the task: http://127.0.0.1:5000/tasks/{task['task_id']}" in body.splitlines(), body
    assert all(s.START_DATA["pupil_name"] not in subject for _, _, subject in inbox.received)


ACTORS = {"ap_setting": "ava.ap", "la_admissions": "lee.la", "host_school": "hana.host"}


def test_a_reminder_still_queued_when_its_task_is_done_is_cancelled_not_sent(harness, smtp):
    """The Fair Access reminder is queued on its day, but the SMTP server is down until after the place is
    offered: it never goes, and its outbox row stays, marked cancelled with the reason."""
    h, (inbox, transport) = harness, smtp
    h.deploy(REINTEGRATION)
    h.clock.set(datetime(2027, 1, 4, 9, tzinfo=UTC))
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    for element, data in s.HAPPY_PATH.items():
        task = h.task(case_id, element)
        if element == "allocate_place":
            break
        h.catch_up(data, task["form"])
        h.call("complete_task", task["task_id"], data, ACTORS[task["lane"]])
    timers = {t["task"]: datetime.fromisoformat(t["due"]) for t in h.call("show_case", case_id)["waiting_timers"]}
    h.clock.set(timers["allocate_place_reminder"] + timedelta(seconds=1))
    h.fire()  # the reminder is queued; no delivery yet
    [queued] = [m for m in h.call("outbox", viewer="test") if m["kind"] == "deadline_reminder"]
    assert queued["status"] == "queued" and task["title"] in queued["subject"]
    data = s.HAPPY_PATH["allocate_place"]
    h.catch_up(data, task["form"])
    h.call("complete_task", task["task_id"], data, "lee.la")
    inbox.today = h.clock.now().astimezone(LONDON).date()
    deliver_due(h.sessions, h.clock.now, transport)
    assert queued["subject"] not in {subject for _, _, subject in inbox.received}, inbox.received
    assert inbox.received  # the case's other mail still goes (the next task's reminder among it)
    [reminder] = [m for m in h.call("outbox", viewer="test") if m["id"] == queued["id"]]
    assert (reminder["status"], reminder["sent_at"], reminder["last_error"]) == (
        "cancelled", None, "not sent: the task was completed first")
    assert reminder["cancelled_at"] == h.clock.now().isoformat()
