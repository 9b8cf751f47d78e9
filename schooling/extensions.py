"""What the service plugs into the engine (`engine.extensions`): `plug_in(registry)` registers it all.

- the outreach team's allocations, looked up for the `outreach_capacity` handler (`capacity.py`);
- the report facts of every case, written with a save that changes them (`facts_writer.FactsProjection`);
- the Fair Access weightings grid's effect (`weightings.py`);
- the SEMH allocation message, which takes a core place (`core_places.MESSAGE_RULES`);
- its roles, its cases' parties and the kinds of organisation in its register (`parties.TABLE`);
- the authority's policy file, read by `policy.load_site_policy` (with the calendar file REINTEGRATE_CALENDAR names).
"""
from __future__ import annotations

from engine.extensions import register_parties
from engine.registry import HandlerRegistry

from .capacity import LOOKUPS
from .core_places import MESSAGE_RULES
from .facts_writer import FactsProjection
from .parties import TABLE
from .policy import load_site_policy
from .weightings import WeightingAdjustment, write_adjustment


def plug_in(registry: HandlerRegistry) -> HandlerRegistry:
    """Register the service's rules with `registry`'s extension points; returns the registry."""
    register_parties(TABLE)
    ext = registry.extensions
    ext.lookups.update(LOOKUPS)
    ext.projections.append(FactsProjection())
    ext.effect_writers[WeightingAdjustment] = write_adjustment
    ext.message_rules.update(MESSAGE_RULES)
    ext.load_policy = load_site_policy
    return registry
