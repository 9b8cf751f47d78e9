"""Fair Access in three moves (the Worcestershire protocol; School Admissions Code 2021, section 3).

The LA records the date it agreed that the child will be considered under the protocol; from that date
the offer of a place is due within 20 school days. The LA then finds a host school and offers the
place, and the host school confirms it. A host that does not confirm sends the case back to find
another school; each attempt is kept on the case, and the deadline keeps running from the first date.
"""
from __future__ import annotations

from datetime import date

from engine.effects import HandlerContext
from engine.registry import topic, validates


def _long(d: str) -> str:
    return f"{date.fromisoformat(d):%A %-d %B %Y}"


def _not_in_the_future(key: str, values: dict, case: dict, errors: dict[str, str]) -> None:
    today = case.get("_today")
    if today and values[key] > today:
        errors[key] = f"{_long(values[key])} is in the future: record it on or after the day it happens"


@validates("record_fair_access_decision")
def considered_from_a_real_date(values: dict, case: dict, policy) -> dict[str, str]:
    """The date the LA agreed to consider the child: not before the referral, not in the future."""
    errors: dict[str, str] = {}
    agreed = values["agreed_to_consider_date"]
    referred = case.get("la_referral_date") or case.get("consent_date")
    if referred and agreed < referred:
        what = "the referral to the LA" if case.get("la_referral_date") else "the parent's consent"
        errors["agreed_to_consider_date"] = f"{_long(agreed)} is before {what} on {_long(referred)}"
    _not_in_the_future("agreed_to_consider_date", values, case, errors)
    return errors


@validates("allocate_place")
def offered_after_consideration(values: dict, case: dict, policy) -> dict[str, str]:
    """A place is offered on or after the date the child was to be considered, and not in the future."""
    errors: dict[str, str] = {}
    agreed = case.get("agreed_to_consider_date")
    if agreed and values["place_offered_date"] < agreed:
        errors["place_offered_date"] = (f"{_long(values['place_offered_date'])} is before the child was to be "
                                        f"considered under Fair Access ({_long(agreed)})")
    _not_in_the_future("place_offered_date", values, case, errors)
    return errors


@validates("confirm_host_place")
def reason_when_not_confirmed(values: dict, case: dict, policy) -> dict[str, str]:
    """A host school that does not confirm the place says why, for the LA finding the next school."""
    if values["host_school_confirmed"] is not True and not (values.get("not_confirmed_reason") or "").strip():
        return {"not_confirmed_reason": "Say why the host school does not confirm the place"}
    return {}


@topic("fair_access_attempt")
def fair_access_attempt(ctx: HandlerContext) -> dict:
    """Keep each host school tried, whether it confirmed, and why not; the deadline is not touched."""
    data = ctx.data
    attempts = list(data.get("fair_access_attempts") or [])
    attempts.append({"attempt": len(attempts) + 1, "host_school": data.get("host_school"),
                     "panel": data.get("panel"), "place_offered_date": data.get("place_offered_date"),
                     "confirmed": data.get("host_school_confirmed") is True,
                     "reason": data.get("not_confirmed_reason") or None})
    return {"fair_access_attempts": attempts, "not_confirmed_reason": None}
