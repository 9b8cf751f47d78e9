"""The Worcestershire protocol's gates: who may consent, the visit offered, and who must be at the initial meeting.

Consent comes from a parent/carer with parental responsibility, with the view of any other holder
recorded (a disagreement goes to the LA before anything else happens); without consent to share the
child's information the AP cannot approach another school, so the referral stops. The initial meeting
"must include the child/young person and family": one held without them says why, and the LA accepts
the reason or the meeting is held again.
"""
from __future__ import annotations

from engine.registry import validates


@validates("record_parental_consent")
def consent_from_parental_responsibility(values: dict, case: dict, policy) -> dict[str, str]:
    errors: dict[str, str] = {}
    if values.get("has_parental_responsibility") is not True:
        errors["has_parental_responsibility"] = ("Consent must be given by a parent/carer with parental "
                                                 "responsibility: record the consent of someone who has it")
    if not values.get("other_parent_agreement"):
        errors["other_parent_agreement"] = ("Record whether another parent with parental responsibility agrees "
                                            "(or that there is none)")
    return errors


@validates("offer_visit")
def visit_offered(values: dict, case: dict, policy) -> dict[str, str]:
    """Step 4: the student and parents are offered a visit to the receiving school, supported by the AP."""
    if values.get("visit_offered") is not True:
        return {"visit_offered": "Offer the student and parents a visit to the receiving school first"}
    return {}


@validates("hold_initial_meeting")
def meeting_with_the_child_and_family(values: dict, case: dict, policy) -> dict[str, str]:
    if values.get("parent_and_child_present") is False and not (values.get("absence_reason") or "").strip():
        return {"absence_reason": ("The initial meeting must include the child and family: say why it went ahead "
                                   "without them (the LA then accepts the reason, or it is held again)")}
    return {}
