"""Who takes part in this service's cases: its roles, its cases' party fields and the kinds of
organisation in its register, registered with the engine (`engine.parties`) by `extensions.plug_in`.

- A pupil's **AP setting**, **host school** and **home school** each work the cases that name them
  in that field; an AP setting's account may belong to an AP setting or a provider.
- The **local authority**'s teams (admissions, attendance, outreach) work the cases of their
  authority (the case's `local_authority`, derived from its AP setting, home school or host school
  when the start form does not name it); the admissions and attendance teams also open the
  auditor's view of those cases, and the admissions team records permanent exclusions for the
  schools of its authority (`EXCLUSIONS`, `core_places.withdraw_for_exclusion`).
- The **third-party providers** (the HNRG advocacy pilot's `advocacy_provider`, the SEMH service
  level agreement's `provider`) work the cases that name them and run no report.
- The authority's **agencies** (social care, youth justice, early help) take no part in cases: they
  read the cases shared with them (the half-termly timetable list, `timetable_list.py`).
"""
from __future__ import annotations

from engine.locations import packaged
from engine.parties import OrganisationKind, Party, PartyTable, Role, Subject
from engine.permissions import READ_AUDIT, SUBJECT_ACCESS

#: The service's own action: recording a permanent exclusion (it withdraws one of the school's core places).
EXCLUSIONS = "exclusions"
#: The authority's teams that are sent cases (the half-termly timetable list) and read only those.
AGENCY_ROLES = ("social_care", "youth_justice", "early_help")

_LA, _SCHOOL, _AP, _PROVIDER = "local_authority", "school", "ap_setting", "provider"

ROLES = (
    Role("ap_setting", "alternative provision setting", short="AP setting", party="ap_setting",
         kinds=(_AP, _PROVIDER)),
    Role("la_admissions", "local authority admissions team", short="LA admissions", article="an",
         party="local_authority", kinds=(_LA,)),
    Role("host_school", "host school", party="host_school", kinds=(_SCHOOL,)),
    Role("home_school", "home school", party="home_school", kinds=(_SCHOOL,)),
    Role("la_attendance", "local authority attendance team", short="LA attendance", article="an",
         party="local_authority", kinds=(_LA,)),
    Role("outreach", "outreach team", party="local_authority", kinds=(_LA,)),
    Role("advocacy_provider", "advocacy provider", party="advocacy_provider", kinds=(_PROVIDER,), reports=False),
    Role("semh_provider", "SEMH provider", short="SEMH provider", party="provider", kinds=(_PROVIDER,),
         reports=False),
    *(Role(role, role.replace("_", " ") + " team", short=role.replace("_", " ") + " team", kinds=(_LA,), shared=True)
      for role in AGENCY_ROLES),
)

PARTIES = (
    Party("ap_setting", "AP setting", (_AP, _PROVIDER)),
    Party("host_school", "host school", (_SCHOOL,)),
    Party("home_school", "home school", (_SCHOOL,)),
    Party("local_authority", "local authority", (_LA,)),
    Party("advocacy_provider", "advocacy provider", (_PROVIDER,)),  # the HNRG advocacy pilot's service
    Party("provider", "SEMH provider", (_PROVIDER,)),  # the SEMH service level agreement's provider
)

#: What an organisation is. An AP setting and a provider both take pupils from schools; a local
#: authority is its own authority, and schools and AP settings always belong to one.
KINDS = (
    OrganisationKind(_LA, "local authority"),
    OrganisationKind(_SCHOOL, "school", needs_authority=True),
    OrganisationKind(_AP, "AP setting", needs_authority=True),
    OrganisationKind(_PROVIDER, "provider"),
)

#: Words too common in schools' and authorities' names to tell two apart.
COMMON_WORDS = frozenset({"school", "high", "primary", "academy", "centre", "center", "learning", "the", "of", "and",
                          "college", "county", "council", "infant", "junior", "secondary", "church", "ce", "st",
                          "saint", "special", "unit", "trust", "borough", "city", "short", "stay"})

TABLE = PartyTable(
    roles=ROLES,
    parties=PARTIES,
    kinds=KINDS,
    authority_kind=_LA,
    authority_field="local_authority",
    authority_from=("ap_setting", "home_school", "host_school"),
    listed=("ap_setting", "home_school", "host_school"),
    searched=("home_school", "host_school", "ap_setting"),  # the case list's "school" filter
    searched_kinds=(_SCHOOL, _AP, _PROVIDER),
    operator_roles={READ_AUDIT: ("la_admissions", "la_attendance"), EXCLUSIONS: ("la_admissions", "admin")},
    action_words={EXCLUSIONS: "record a permanent exclusion", SUBJECT_ACCESS: "export a pupil's records"},
    common_words=COMMON_WORDS,
    register_file=packaged("processes", "organisations.csv"),
    subject=Subject(name_field="pupil_name", birth_date_field="pupil_dob", word="pupil"),
)
