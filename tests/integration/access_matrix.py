"""The access matrix: every role x action x organisation, with the answer expected from every door.

ONE table (`TABLE`) says, for each action, role and organisation the account acts for, what the
product answers. The organisation columns are relative to the cases the actions are tried on:

- `own`: the organisation the role stands for on those cases (the AP setting, host or home school,
  or for the LA's teams the authority); readers of every case have none of their own, so `own` is
  their usual account with no organisation;
- `other`: another organisation in the same authority (another school or setting; the LA's teams can
  belong to an authority only, so theirs is a third authority);
- `other_la`: an organisation of another authority;
- `none`: no organisation at all (an account made before organisations were required).

Answers: `yes` (allowed: the request goes on to its own checks, and the cells try it with data those
checks refuse, so that nothing changes), `no` (refused: 403 / Forbidden), `hidden` (a case the account
may not read: 404 / NotFound, the same as a case that does not exist).

The cases: `R`, a reintegration at its first interim review (AP Severn Vale Learning Centre, home
school Hollybrook High School, host school Kingsmead High School, Worcestershire County Council), with
the host school's task `interim_review_1` ready and the emergency review message awaited, and sent to
Worcestershire's social care, youth justice and early help teams (shared with the authority, as the
half-termly timetable list shares its cases); `S`, an SEMH nomination by Hollybrook (same authority,
SEMH provider The Bridge School) waiting for its allocation message; `A`, a reintegration at risk (same
AP, home school and authority, no host school yet) whose advocate, Pathways Advocacy, has its first
task `engage_student_and_family` ready.

Actions: start (a reintegration naming R's parties), read (R), complete and claim (R's host-school
task), message (R's emergency review), allocate (S's inclusion_allocation), advocate (A's advocacy
task), deploy (a process version), migrate (R, a dry run), retry (R), report (the service report),
accounts (the admin page), audit (R's auditor's view), mail (the mail page).

`tests/integration/test_access_matrix.py` drives it against the engine, the web pages and the API.
"""
from __future__ import annotations

from cli import scenarios

ROLES = ("ap_setting", "la_admissions", "host_school", "home_school", "la_attendance", "outreach",
         "advocacy_provider", "semh_provider", "social_care", "youth_justice", "early_help",
         "process_owner", "auditor", "dpo", "admin")
ORGS = ("own", "other", "other_la", "none")
ACTIONS = ("start", "read", "complete", "claim", "message", "allocate", "advocate", "deploy", "migrate", "retry",
           "report", "accounts", "audit", "mail")

AUTHORITY = scenarios.START_DATA["local_authority"]
#: The organisation each kind of account acts for: by the party its role stands for, then the column.
ORGANISATIONS = {
    "ap_setting": {"own": scenarios.START_DATA["ap_setting"], "other": "Riverside Learning Centre",
                   "other_la": "Golden Valley Learning Centre"},
    "host_school": {"own": scenarios.HAPPY_PATH["allocate_place"]["host_school"],
                    "other": "Westfield School", "other_la": "Lugg Meadow High School"},
    "home_school": {"own": scenarios.START_DATA["home_school"], "other": "Westfield School",
                    "other_la": "Lugg Meadow High School"},
    # an authority is the only organisation of its kind in itself: `other` is a third authority
    "local_authority": {"own": AUTHORITY, "other": "Oxfordshire County Council", "other_la": "Herefordshire Council"},
    # the providers: another provider in the authority, one in another
    "advocacy_provider": {"own": scenarios.ADVOCACY_RISK["advocacy_provider"], "other": "Malvern Hills Advocacy",
                          "other_la": "Wye Valley Family Advocacy"},
    "provider": {"own": "The Bridge School", "other": "Malvern Hills Advocacy", "other_la": "Wye Valley Family Advocacy"},
    None: {"own": None, "other": "Westfield School", "other_la": "Herefordshire Council"},  # readers of every case
}

TABLE = """
# action   role               own     other   other_la none
start      ap_setting         yes     no      no       no
start      la_admissions      no      no      no       no
start      host_school        no      no      no       no
start      home_school        no      no      no       no
start      la_attendance      no      no      no       no
start      outreach           no      no      no       no
start      advocacy_provider  no      no      no       no
start      semh_provider      no      no      no       no
start      social_care        no      no      no       no
start      youth_justice      no      no      no       no
start      early_help         no      no      no       no
start      process_owner      no      no      no       no
start      auditor            no      no      no       no
start      dpo                no      no      no       no
start      admin              yes     yes     yes      yes

read       ap_setting         yes     hidden  hidden   hidden
read       la_admissions      yes     hidden  hidden   hidden
read       host_school        yes     hidden  hidden   hidden
read       home_school        yes     hidden  hidden   hidden
read       la_attendance      yes     hidden  hidden   hidden
read       outreach           yes     hidden  hidden   hidden
read       advocacy_provider  hidden  hidden  hidden   hidden
read       semh_provider      hidden  hidden  hidden   hidden
read       social_care        yes     hidden  hidden   hidden
read       youth_justice      yes     hidden  hidden   hidden
read       early_help         yes     hidden  hidden   hidden
read       process_owner      yes     yes     yes      yes
read       auditor            yes     yes     yes      yes
read       dpo                yes     yes     yes      yes
read       admin              yes     yes     yes      yes

complete   ap_setting         no      hidden  hidden   hidden
complete   la_admissions      no      hidden  hidden   hidden
complete   host_school        yes     hidden  hidden   hidden
complete   home_school        no      hidden  hidden   hidden
complete   la_attendance      no      hidden  hidden   hidden
complete   outreach           no      hidden  hidden   hidden
complete   advocacy_provider  hidden  hidden  hidden   hidden
complete   semh_provider      hidden  hidden  hidden   hidden
complete   social_care        no      hidden  hidden   hidden
complete   youth_justice      no      hidden  hidden   hidden
complete   early_help         no      hidden  hidden   hidden
complete   process_owner      no      no      no       no
complete   auditor            no      no      no       no
complete   dpo                no      no      no       no
complete   admin              yes     yes     yes      yes

claim      ap_setting         no      hidden  hidden   hidden
claim      la_admissions      no      hidden  hidden   hidden
claim      host_school        yes     hidden  hidden   hidden
claim      home_school        no      hidden  hidden   hidden
claim      la_attendance      no      hidden  hidden   hidden
claim      outreach           no      hidden  hidden   hidden
claim      advocacy_provider  hidden  hidden  hidden   hidden
claim      semh_provider      hidden  hidden  hidden   hidden
claim      social_care        no      hidden  hidden   hidden
claim      youth_justice      no      hidden  hidden   hidden
claim      early_help         no      hidden  hidden   hidden
claim      process_owner      no      no      no       no
claim      auditor            no      no      no       no
claim      dpo                no      no      no       no
claim      admin              yes     yes     yes      yes

message    ap_setting         yes     hidden  hidden   hidden
message    la_admissions      yes     hidden  hidden   hidden
message    host_school        yes     hidden  hidden   hidden
message    home_school        yes     hidden  hidden   hidden
message    la_attendance      no      hidden  hidden   hidden
message    outreach           no      hidden  hidden   hidden
message    advocacy_provider  hidden  hidden  hidden   hidden
message    semh_provider      hidden  hidden  hidden   hidden
message    social_care        no      hidden  hidden   hidden
message    youth_justice      no      hidden  hidden   hidden
message    early_help         no      hidden  hidden   hidden
message    process_owner      no      no      no       no
message    auditor            no      no      no       no
message    dpo                no      no      no       no
message    admin              yes     yes     yes      yes

allocate   ap_setting         hidden  hidden  hidden   hidden
allocate   la_admissions      yes     hidden  hidden   hidden
allocate   host_school        hidden  hidden  hidden   hidden
allocate   home_school        no      hidden  hidden   hidden
allocate   la_attendance      no      hidden  hidden   hidden
allocate   outreach           no      hidden  hidden   hidden
allocate   advocacy_provider  hidden  hidden  hidden   hidden
allocate   semh_provider      no      hidden  hidden   hidden
allocate   social_care        hidden  hidden  hidden   hidden
allocate   youth_justice      hidden  hidden  hidden   hidden
allocate   early_help         hidden  hidden  hidden   hidden
allocate   process_owner      no      no      no       no
allocate   auditor            no      no      no       no
allocate   dpo                no      no      no       no
allocate   admin              yes     yes     yes      yes

advocate   ap_setting         no      hidden  hidden   hidden
advocate   la_admissions      no      hidden  hidden   hidden
advocate   host_school        hidden  hidden  hidden   hidden
advocate   home_school        no      hidden  hidden   hidden
advocate   la_attendance      no      hidden  hidden   hidden
advocate   outreach           no      hidden  hidden   hidden
advocate   advocacy_provider  yes     hidden  hidden   hidden
advocate   semh_provider      hidden  hidden  hidden   hidden
advocate   social_care        hidden  hidden  hidden   hidden
advocate   youth_justice      hidden  hidden  hidden   hidden
advocate   early_help         hidden  hidden  hidden   hidden
advocate   process_owner      no      no      no       no
advocate   auditor            no      no      no       no
advocate   dpo                no      no      no       no
advocate   admin              yes     yes     yes      yes

deploy     ap_setting         no      no      no       no
deploy     la_admissions      no      no      no       no
deploy     host_school        no      no      no       no
deploy     home_school        no      no      no       no
deploy     la_attendance      no      no      no       no
deploy     outreach           no      no      no       no
deploy     advocacy_provider  no      no      no       no
deploy     semh_provider      no      no      no       no
deploy     social_care        no      no      no       no
deploy     youth_justice      no      no      no       no
deploy     early_help         no      no      no       no
deploy     process_owner      yes     yes     yes      yes
deploy     auditor            no      no      no       no
deploy     dpo                no      no      no       no
deploy     admin              yes     yes     yes      yes

migrate    ap_setting         no      no      no       no
migrate    la_admissions      no      no      no       no
migrate    host_school        no      no      no       no
migrate    home_school        no      no      no       no
migrate    la_attendance      no      no      no       no
migrate    outreach           no      no      no       no
migrate    advocacy_provider  no      no      no       no
migrate    semh_provider      no      no      no       no
migrate    social_care        no      no      no       no
migrate    youth_justice      no      no      no       no
migrate    early_help         no      no      no       no
migrate    process_owner      yes     yes     yes      yes
migrate    auditor            no      no      no       no
migrate    dpo                no      no      no       no
migrate    admin              yes     yes     yes      yes

retry      ap_setting         no      no      no       no
retry      la_admissions      no      no      no       no
retry      host_school        no      no      no       no
retry      home_school        no      no      no       no
retry      la_attendance      no      no      no       no
retry      outreach           no      no      no       no
retry      advocacy_provider  no      no      no       no
retry      semh_provider      no      no      no       no
retry      social_care        no      no      no       no
retry      youth_justice      no      no      no       no
retry      early_help         no      no      no       no
retry      process_owner      no      no      no       no
retry      auditor            no      no      no       no
retry      dpo                no      no      no       no
retry      admin              yes     yes     yes      yes

report     ap_setting         yes     yes     yes      no
report     la_admissions      yes     yes     yes      no
report     host_school        yes     yes     yes      no
report     home_school        yes     yes     yes      no
report     la_attendance      yes     yes     yes      no
report     outreach           yes     yes     yes      no
report     advocacy_provider  no      no      no       no
report     semh_provider      no      no      no       no
report     social_care        no      no      no       no
report     youth_justice      no      no      no       no
report     early_help         no      no      no       no
report     process_owner      no      no      no       no
report     auditor            yes     yes     yes      yes
report     dpo                no      no      no       no
report     admin              yes     yes     yes      yes

accounts   ap_setting         no      no      no       no
accounts   la_admissions      no      no      no       no
accounts   host_school        no      no      no       no
accounts   home_school        no      no      no       no
accounts   la_attendance      no      no      no       no
accounts   outreach           no      no      no       no
accounts   advocacy_provider  no      no      no       no
accounts   semh_provider      no      no      no       no
accounts   social_care        no      no      no       no
accounts   youth_justice      no      no      no       no
accounts   early_help         no      no      no       no
accounts   process_owner      no      no      no       no
accounts   auditor            no      no      no       no
accounts   dpo                no      no      no       no
accounts   admin              yes     yes     yes      yes

audit      ap_setting         no      no      no       no
audit      la_admissions      yes     hidden  hidden   no
audit      host_school        no      no      no       no
audit      home_school        no      no      no       no
audit      la_attendance      yes     hidden  hidden   no
audit      outreach           no      no      no       no
audit      advocacy_provider  no      no      no       no
audit      semh_provider      no      no      no       no
audit      social_care        no      no      no       no
audit      youth_justice      no      no      no       no
audit      early_help         no      no      no       no
audit      process_owner      no      no      no       no
audit      auditor            yes     yes     yes      yes
audit      dpo                yes     yes     yes      yes
audit      admin              yes     yes     yes      yes

mail       ap_setting         no      no      no       no
mail       la_admissions      no      no      no       no
mail       host_school        no      no      no       no
mail       home_school        no      no      no       no
mail       la_attendance      no      no      no       no
mail       outreach           no      no      no       no
mail       advocacy_provider  no      no      no       no
mail       semh_provider      no      no      no       no
mail       social_care        no      no      no       no
mail       youth_justice      no      no      no       no
mail       early_help         no      no      no       no
mail       process_owner      no      no      no       no
mail       auditor            yes     yes     yes      yes
mail       dpo                yes     yes     yes      yes
mail       admin              yes     yes     yes      yes
"""


def expected() -> dict[tuple[str, str, str], str]:
    """(action, role, organisation column) -> "yes" | "no" | "hidden", from `TABLE`."""
    cells: dict[tuple[str, str, str], str] = {}
    for line in TABLE.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        action, role, *answers = line.split()
        assert action in ACTIONS and role in ROLES and len(answers) == len(ORGS), line
        for org, answer in zip(ORGS, answers, strict=True):
            assert answer in ("yes", "no", "hidden"), line
            cells[(action, role, org)] = answer
    assert len(cells) == len(ACTIONS) * len(ROLES) * len(ORGS), "the table must fill every cell"
    return cells


CELLS = expected()


def account(role: str, org: str) -> str:
    """The user name of the account in `role` acting for the `org` column (e.g. host_school.other)."""
    return f"{role}.{org}"


def organisation(role: str, org: str) -> str | None:
    """What the account in `role` for column `org` acts for."""
    if org == "none":
        return None
    from engine.permissions import AGENCY_ROLES, PARTY_FIELDS

    field = "local_authority" if role in AGENCY_ROLES else PARTY_FIELDS.get(role)
    return ORGANISATIONS[field if field in ORGANISATIONS else None][org]
