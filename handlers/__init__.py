"""Service-task handlers, one module per concern, registered by topic name.

A handler takes a `HandlerContext` and returns the variables it sets; it asks for side effects
(mail, weightings) through the context and never touches the database or the network itself.
"""
from __future__ import annotations

from engine.registry import HandlerRegistry
from schooling.extensions import plug_in

from . import (
    advocacy,
    consent,
    deadlines,
    escalation,
    fair_access,
    letters,
    notifications,
    outcomes,
    outreach,
    registration,
    reviews,
    semh,
    timetable,
    transport,
    unsuccessful,
    weightings,
)

MODULES = (consent, deadlines, escalation, fair_access, letters, notifications, outcomes, registration, reviews,
           transport, unsuccessful, weightings, advocacy, outreach, semh, timetable)


def default_registry() -> HandlerRegistry:
    """A fresh registry with every handler and validator of this package, and the service's rules plugged
    into the engine's other extension points (`schooling.extensions.plug_in`)."""
    return plug_in(HandlerRegistry().add_modules(MODULES))
