"""The service's rules: what belongs to English schools and to this local authority, not to a workflow engine.

`engine/` runs any BPMN process; this package holds what the five processes of this service share and
the engine does not know about: the school calendar and its terms (`calendar.py`, `terms.py`), the deadline
units counted on it (`deadline_units.py`), the authority's policy (`policy.py`), SEMH core places and
permanent exclusions (`core_places.py`, `exclusions.py`), the outreach team's capacity (`capacity.py`), the
half-termly timetable list (`timetable_list.py`), the Fair Access grid's effect (`weightings.py`), their
tables (`models.py`), the report facts taken from each case (`report_facts.py`, one module per process in
`facts/`) and the reports built on them (`reports/`). `extensions.plug_in(registry)` registers it all
with the engine's extension points (`engine.extensions`).
"""
