"""Demo data: one account per role and cases at every stage of the reintegration protocol."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, inspect, select

from engine.accounts import check_password
from engine.models import Case, User
from engine.reads import SystemRead
from engine.wiring import Runtime

from . import scenarios as s

DEMO_USERS = {
    "ava.ap": ("ap_setting", s.START_DATA["ap_setting"]),
    "lee.la": ("la_admissions", s.START_DATA["local_authority"]),
    "hana.host": ("host_school", s.HAPPY_PATH["allocate_place"]["host_school"]),
    "omar.home": ("home_school", s.START_DATA["home_school"]),
    "olu.attendance": ("la_attendance", s.START_DATA["local_authority"]),
    "otto.outreach": ("outreach", s.START_DATA["local_authority"]),
    "abe.advocate": ("advocacy_provider", s.ADVOCACY_RISK["advocacy_provider"]),
    "sam.semh": ("semh_provider", "The Bridge School"),
    "sol.social": ("social_care", s.START_DATA["local_authority"]),
    "yan.youth": ("youth_justice", s.START_DATA["local_authority"]),
    "eve.early": ("early_help", s.START_DATA["local_authority"]),
    "pia.owner": ("process_owner", None),
    "aud.auditor": ("auditor", None),
    "dee.dpo": ("dpo", None),
    "ada.admin": ("admin", None),
}
#: Every demo account's password (README, "Demo accounts"); `reintegrate demo` prints it. Demo only.
DEMO_PASSWORD = "reintegrate-demo"
ACTOR_BY_LANE = {"ap_setting": "ava.ap", "la_admissions": "lee.la", "host_school": "hana.host",
                 "home_school": "omar.home", "outreach": "otto.outreach", "la_attendance": "olu.attendance"}
ANCHOR = date(2027, 1, 25)  # the scenarios' Fair Access date; shifted to fall `ANCHOR_DAYS_AGO` days ago
#: So that the initial meeting (4 weeks after the Fair Access date) is held, as a date that happened
#: must be, before today, and the placement's start (5 weeks after) is still to come.
ANCHOR_DAYS_AGO = 30


def shift_days(today: date) -> int:
    """How many days the scenarios' dates move to fall around `today`."""
    return (today - timedelta(days=ANCHOR_DAYS_AGO) - ANCHOR).days


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: (pupil, how many tasks of the happy path to complete)
STAGES = (("Jordan Ellis", 1), ("Maya Khan", 3), ("Leo Brown", 7), ("Ruby Green", 9), ("Ava Wright", 0))
#: Requests for the outreach team's support (the service report's figures): (start data, the tasks done
#: with their answers), started by the home school and answered by the outreach team.
OUTREACH = (
    ({**s.OUTREACH_REQUEST, "pupil_name": "Casey Morgan"},
     ("review_outreach_request", "complete_assessments", "record_outreach_contact")),
    ({**s.OUTREACH_REQUEST, "pupil_name": "Sam Patel", "gender": "male", "phase": "primary", "year_group": 5,
      "send_ehcp_or_k": False, "pupil_premium": False}, ("review_outreach_request",)),
    (s.OUTREACH_GROUP_REQUEST, ("review_outreach_request",)),
)


def _shift(value, days: int):
    if isinstance(value, str) and _ISO_DATE.match(value):
        return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
    return value


def _shifted(data: dict, days: int, calendar) -> dict:
    """The scenario's form data moved to fall around today; meeting dates that must be school days
    are moved to the next one, and review dates (planned, or set at a review) are left to their
    school-day-aware defaults."""
    out = {k: _shift(v, days) for k, v in data.items()
           if not k.startswith("review_") and k != "next_meeting_date"}
    if "start_date" in out:
        out["start_date"] = calendar.next_school_day(date.fromisoformat(out["start_date"])).isoformat()
    return out


LOADER = SystemRead("demo data loader")


def not_demo_data(rt: Runtime) -> str | None:
    """Why this database holds something besides demo data, or None when it holds demo data only (or
    nothing at all): an account that is not a demo account, a demo account name whose password is not
    the demo password, or cases without the demo accounts."""
    tables = set(inspect(rt.db).get_table_names())
    if "users" not in tables:
        return None
    with rt.sessions() as session:
        users = session.scalars(select(User)).all()
        cases = session.scalar(select(func.count()).select_from(Case)) if "cases" in tables else 0
    others = sorted(u.name for u in users if u.name not in DEMO_USERS)
    if others:
        return f"it has accounts that are not demo accounts ({', '.join(others[:3])}{', ...' if len(others) > 3 else ''})"
    changed = sorted(u.name for u in users if not check_password(u.password_hash, DEMO_PASSWORD))
    if changed:
        return f"demo account {changed[0]} does not have the demo password"
    if cases and not users:
        return f"it has {cases} case(s) and no demo accounts"
    return None


def load_demo(rt: Runtime) -> str:
    """Add the demo users and cases unless the database already has cases."""
    with rt.engine() as eng:
        if eng.reads.case_count():
            return "demo data: cases exist already, nothing loaded"
        for name, (role, org) in DEMO_USERS.items():
            if not eng.reads.has_account(name):
                eng.add_account(name, role, org=org, password=DEMO_PASSWORD)
    days = shift_days(rt.clock.now().date())
    calendar = rt.policy.school_calendar()
    for pupil, steps in STAGES:
        with rt.engine() as eng:
            case = eng.start_case("reintegration", {**_shifted(s.START_DATA, days, calendar), "pupil_name": pupil},
                                  "ava.ap")
        for task_id in list(s.HAPPY_PATH)[:steps]:
            with rt.engine() as eng:
                ready = {t["task"]: t for t in eng.show_case(case["case_id"], viewer=LOADER)["ready_tasks"]}
                if task_id not in ready:
                    break
                eng.complete_task(ready[task_id]["task_id"], _shifted(s.HAPPY_PATH[task_id], days, calendar),
                                  ACTOR_BY_LANE[ready[task_id]["lane"]])
    outreach = _load_outreach(rt)
    users = ", ".join(f"{n} ({r})" for n, (r, _) in DEMO_USERS.items())
    return f"demo data: {len(STAGES) + outreach} cases loaded; users: {users}"


def _load_outreach(rt: Runtime) -> int:
    """The outreach requests of OUTREACH, where the outreach process is deployed; how many were started.
    Their dates are today's: the support starts today and the first session is held today."""
    today = rt.clock.now().date().isoformat()
    with rt.engine() as eng:
        if not eng.reads.has_process("outreach_support"):
            return 0
    for data, steps in OUTREACH:
        with rt.engine() as eng:
            case = eng.start_case("outreach_support", data, "omar.home")
        for task_id in steps:
            answers = {k: today if k in ("support_start_date", "contact_date") else v
                       for k, v in s.OUTREACH_PATH[task_id].items()}
            with rt.engine() as eng:
                ready = {t["task"]: t for t in eng.show_case(case["case_id"], viewer=LOADER)["ready_tasks"]}
                if task_id not in ready:
                    break
                eng.complete_task(ready[task_id]["task_id"], answers, ACTOR_BY_LANE[ready[task_id]["lane"]])
    return len(OUTREACH)
