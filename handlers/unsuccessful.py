"""The unsuccessful outcome as the Worcestershire protocol reads: the home school (or, with none, the AP setting)
records the reasons and evidence; the host head teacher confirms the checks an exclusion-like decision needs
and signs the letter; the host school deletes the pupil from its roll on a ground of regulation 9 of the School
Attendance (Pupil Registration) (England) Regulations 2024 and makes the deletion return of regulation 13."""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from engine.effects import HandlerContext
from engine.registry import topic, validates

REGULATIONS = "The School Attendance (Pupil Registration) (England) Regulations 2024"
#: The grounds of regulation 9(1) the deletion form offers, as the deletion return states them.
GROUNDS = {
    "9_1_c": ("regulation 9(1)(c)", "the pupil is also registered at another school, the proprietor has no reasonable "
              "grounds to believe the pupil will attend this school again, the other school has consented to the "
              "deletion and no school attendance order names this school"),
    "9_1_a": ("regulation 9(1)(a)", "the pupil has been registered at another school (not as a dual registration)"),
}


@topic("unsuccessful_outcome_recorder")
def unsuccessful_outcome_recorder(ctx: HandlerContext) -> dict:
    """The outcome form is the home school's; a case with no mainstream home school has it done by the AP setting,
    the school the pupil returns to."""
    return {"outcome_recorded_by": "home_school" if ctx.data.get("home_school") else "ap_setting"}


def _not_before_start(values: dict, case: dict, field: str, what: str) -> dict[str, str]:
    start = case.get("start_date")
    when = values.get(field)
    if start and when and when < start:
        return {field: f"{what} cannot be before the reintegration started ({date.fromisoformat(start):%-d %B %Y})"}
    return {}


@validates("record_unsuccessful_outcome")
def outcome_by_home_school(values: dict, case: dict, policy) -> dict[str, str]:
    return _not_before_start(values, case, "date_of_return", "The return to the AP setting")


@validates("record_unsuccessful_outcome_ap")
def outcome_by_ap_setting(values: dict, case: dict, policy) -> dict[str, str]:
    return _not_before_start(values, case, "date_of_return", "The return to the AP setting")


#: The sample letter's checks, "as is the case of a permanent exclusion": each must be confirmed.
CHECKS = {
    "incident_investigated": "Make sure any key incident has been investigated fully before ending the reintegration",
    "harassment_checked": "Check whether the incident was provoked by racial or sexual harassment first",
    "child_account_heard": "Allow the child to give their version of events first",
    "letter_signed": "The head teacher signs the letter",
}


@validates("confirm_failure_decision")
def fairness_checks(values: dict, case: dict, policy) -> dict[str, str]:
    """The host head's decision stands only on the three checks, with the letter signed."""
    errors = {key: message for key, message in CHECKS.items() if values.get(key) is not True}
    if values.get("harassment_finding") == "provoked" and not (values.get("harassment_notes") or "").strip():
        errors["harassment_notes"] = "Say what the check found and how it was taken into account"
    return {**errors, **_not_before_start(values, case, "decision_effective_date", "The decision")}


@validates("remove_from_roll")
def deletion_ground_met(values: dict, case: dict, policy) -> dict[str, str]:
    """Regulation 9(1)(c) needs the other school's consent and no school attendance order naming the school; no
    ground is met before the decision takes effect, so the name is not deleted before it."""
    errors: dict[str, str] = {}
    if values.get("deletion_ground") == "9_1_c":
        if values.get("ap_consented") is not True:
            errors["ap_consented"] = "Regulation 9(1)(c) needs the consent of the AP setting, where the pupil is also registered"
        if values.get("no_school_attendance_order") is not True:
            errors["no_school_attendance_order"] = ("Regulation 9(1)(c) does not apply while a school attendance order "
                                                    "names this school")
    effective, deleted = case.get("decision_effective_date"), values.get("deletion_date")
    if effective and deleted and deleted < effective:
        errors["deletion_date"] = (f"The ground for deletion is met when the decision takes effect "
                                   f"({date.fromisoformat(effective):%-d %B %Y}): not before")
    return errors


@topic("deletion_return")
def deletion_return(ctx: HandlerContext) -> dict:
    """Regulation 13: the deletion return to the local authority, as a record on the case (what regulation 13(4) asks
    for) and a notice to School Admissions, who open the case for the pupil's details."""
    data = ctx.data
    ground, ground_text = GROUNDS[data["deletion_ground"]]
    made_on = ctx.now.astimezone(ZoneInfo(ctx.policy.timezone)).date().isoformat()
    record = {"regulations": REGULATIONS, "return_under": "regulation 13(4)", "school": data.get("host_school"),
              "ground": ground, "ground_text": ground_text, "deletion_date": data.get("deletion_date"),
              "pupil_name": data.get("pupil_name"), "pupil_dob": data.get("pupil_dob"),
              "pupil_address": data.get("pupil_address"), "parent_name": data.get("parent_name"),
              "parent_address": data.get("parent_address") or data.get("pupil_address"),
              "parent_phone": data.get("parent_phone"), "other_school": data.get("ap_setting"), "made_on": made_on}
    ctx.send_mail("deletion_return", "role:la_admissions", "deletion_return", school=record["school"], ground=ground,
                  ground_text=ground_text, deletion_date=record["deletion_date"], other_school=record["other_school"],
                  regulations=REGULATIONS)
    return {"deletion_return": record}
