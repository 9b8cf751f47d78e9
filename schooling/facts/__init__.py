"""Each reporting process's report facts, one module per process: `PROCESS` (its key) and `facts(case_data)`.

A new process that reports adds a module here and lists it in `MODULES`; `schooling.report_facts` registers
them all."""
from __future__ import annotations

from . import outreach_support, reintegration, reintegration_timetable, semh_placement

MODULES = (outreach_support, reintegration, semh_placement, reintegration_timetable)
