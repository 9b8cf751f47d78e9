"""Each reporting process's report facts, one module per process, each with its own table.

A process's module has `PROCESS` (its key), `TABLE` (the ORM model of its own facts, in
`<process>_model.py`, one row per case keyed by the case id) and a pure `facts(case_data)` giving its
facts: those named like a `schooling.models.CaseFacts` column go to the row every process shares, the
rest to `TABLE`. Listing the module in `MODULES` registers it; its reports are modules of
`schooling.reports` whose `PROCESS` is its key. `schooling.report_facts` writes them all."""
from __future__ import annotations

from . import outreach_support, reintegration, reintegration_timetable, semh_placement

MODULES = (outreach_support, reintegration, semh_placement, reintegration_timetable)
#: process key -> its facts module
PROCESSES = {module.PROCESS: module for module in MODULES}
#: every process's own facts table
TABLES = tuple(module.TABLE for module in MODULES)
