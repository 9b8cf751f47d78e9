"""Each report over 1,000 and over 100,000 cases: the time is the query's, over `case_facts` and the
process's own facts table.

Running 100,000 workflows would take hours and measure the engine, not the reports, so the cases and
their facts are written directly: ten academic years, four processes, 60 schools, values spread as a
real authority's would be. Both sizes run in one process on the same kind of database.

    python -m bench.reports [--sizes 1000 100000] [--url sqlite:///...]
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

from engine.db import make_engine, session_factory, upgrade
from engine.extensions import register_parties
from engine.models import Case, ProcessVersion
from engine.permissions import Actor
from schooling.models import CaseFacts, WeightingEntry
from schooling.parties import TABLE as PARTIES
from schooling.policy import load_policy
from schooling.report_facts import academic_year, insert_facts, key_stage
from schooling.reports import REPORTS, make_filter, run_report

PROCESSES = ("outreach_support", "reintegration", "semh_placement", "reintegration_timetable")
SCHOOLS = [f"School {n:02d}" for n in range(60)]
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _facts(n: int, rng: random.Random) -> tuple[dict, dict]:
    process = PROCESSES[n % 4]
    started = date(2016, 9, 1) + timedelta(days=rng.randrange(3650))
    year_group = rng.randrange(1, 12)
    returned = started + timedelta(weeks=rng.randrange(6, 14))
    case_id = f"B-{n:08d}"
    case = {"id": case_id, "process_version_id": 1, "process_key": process, "status": rng.choice(("running", "completed")),
            "revision": 1, "state": "", "data": {}, "pupil_initials": "AB", "history_seq": 0, "history_hash": "0" * 64,
            "started_by": "bench", "created_at": NOW, "updated_at": NOW}
    facts = {"outcome": None}
    facts.update({
        "case_id": case_id, "process": process, "status": case["status"], "opened_on": started, "started_on": started,
        "academic_year": academic_year(started), "home_school": rng.choice(SCHOOLS), "host_school": rng.choice(SCHOOLS),
        "ap_setting": f"AP {n % 7}", "gender": rng.choice(("female", "male")), "year_group": year_group,
        "key_stage": key_stage(year_group), "phase": "primary" if year_group <= 6 else "secondary",
        "send": rng.random() < 0.44, "pupil_premium": rng.random() < 0.44, "free_school_meals": rng.random() < 0.22,
        "looked_after": rng.random() < 0.1, "pupils": 1})
    if process == "outreach_support":
        facts.update({"request_type": "individual", "support_type": rng.choice(("elsa", "counselling", "reintegration")),
                      "decision": "accept", "destination": "mainstream_same_school", "destination_group": "mainstream",
                      "income_total": rng.choice((0, 150, 300)), "chargeable_weeks": 1})
    elif process == "reintegration":
        facts.update({"advocacy": rng.random() < 0.3, "current_setting_funding": rng.choice((19500, 51000)),
                      "transition_cost": 3645, "mainstream_funding": 4600, "net_saving": 11255,
                      "outcome": rng.choice(("successful", "unsuccessful", None))})
    elif process == "semh_placement":
        facts.update({"offer": "core", "placement_term": f"{academic_year(started)} spring", "placement_start": started,
                      "placement_end_by": started + timedelta(weeks=12), "returned_on": returned,
                      "returned_home": True, "kpi_within_12_weeks": returned <= started + timedelta(weeks=12),
                      "placement_attendance": rng.randrange(70, 100), "kpi_attendance": rng.random() < 0.8,
                      "feedback_positive": 2, "feedback_given": 3})
    else:
        ended = started < date(2026, 1, 5)  # only this term's timetables are still running
        facts.update({"status": "completed" if ended else "running", "full_time_on": returned if ended else None,
                      "timetable_agreed": True, "timetable_start": started, "timetable_limit": started + timedelta(weeks=6),
                      "full_week_hours": 28.75, "timetable_hours": [[started.isoformat(), 16.25]]})
    return case, facts


def insert_cases(session: Session, count: int, rng: random.Random, first: int = 0,
                 versions: dict[str, int] | None = None) -> None:
    """`count` cases (ids B-<first> on) with their facts and weighting entries, by bulk insert; each case
    on process version 1, or on `versions[its process]` if given. The caller commits."""
    for start in range(first, first + count, 5000):
        pairs = [_facts(n, rng) for n in range(start, min(start + 5000, first + count))]
        if versions is not None:
            for case, _ in pairs:
                case["process_version_id"] = versions[case["process_key"]]
        session.execute(insert(Case), [c for c, _ in pairs])
        insert_facts(session, [f for _, f in pairs])
        moves = [f for _, f in pairs if f["outcome"] == "successful"]
        if moves:  # an empty list would be one INSERT ... DEFAULT VALUES
            session.execute(insert(WeightingEntry), [
                {"case_id": f["case_id"], "school": school, "points": points, "reason": "bench",
                 "at": datetime.combine(f["started_on"], datetime.min.time(), UTC)}
                for f in moves for school, points in ((f["host_school"], 3), (f["ap_setting"], -3))])


def populate(url: str, count: int) -> None:
    register_parties(PARTIES)  # the service's kinds of organisation, which the shipped register loaded by upgrade uses
    db = make_engine(url)
    upgrade(db)
    rng = random.Random(count)
    with session_factory(db)() as session:
        session.execute(insert(ProcessVersion), [{"id": 1, "process_key": "bench", "version": 1, "content_hash": "b" * 64,
                                                  "filename": "bench.bpmn", "bpmn_xml": "", "info": {},
                                                  "deployed_at": NOW, "deployed_by": "bench"}])
        insert_cases(session, count, rng)
        session.commit()
    db.dispose()


def add_past_years(url: str, count: int, first: int, year: str = "2025/26") -> None:
    """`count` more cases (ids B-<first> on) that are all history: those that would fall in `year` are
    moved to ten years before it (their facts, weighting entries and any still-running timetable),
    so that `year`'s caseload is the same as before and only the database has grown."""
    db = make_engine(url)
    with session_factory(db)() as session:
        insert_cases(session, count, random.Random(count + first), first)
        extra = CaseFacts.case_id >= f"B-{first:08d}"
        past = f"{int(year[:4]) - 10}/{int(year[5:]) - 10:02d}"
        moved = select(CaseFacts.case_id).where(extra, CaseFacts.academic_year == year)
        session.execute(delete(WeightingEntry).where(WeightingEntry.case_id.in_(moved)))
        session.execute(update(CaseFacts).where(extra, CaseFacts.academic_year == year)
                        .values(academic_year=past, status="completed"))
        session.execute(update(Case).where(Case.id >= f"B-{first:08d}").values(status="completed"))
        session.commit()
    with db.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    db.dispose()


def measure(urls: dict, repeat: int = 7) -> dict:
    """Best of `repeat` runs of each report for 2025/26 (and with a term and a school), in ms, on each
    database of `urls` (key -> URL): the databases take turns run by run, so that drift during the
    measurement weighs on each alike. Returns key -> report label -> ms."""
    policy, today = load_policy(), date(2026, 3, 2)
    filters = {}
    for name in REPORTS:
        filters[name] = (name, make_filter("2025/26"))
        filters[f"{name} (spring, one school)"] = (name, make_filter("2025/26", "spring", SCHOOLS[3]))
    engines = {key: make_engine(url) for key, url in urls.items()}
    best = {key: dict.fromkeys(filters, float("inf")) for key in urls}
    try:
        sessions = {key: session_factory(db)() for key, db in engines.items()}
        for _ in range(repeat):
            for label, (name, f) in filters.items():
                for key, session in sessions.items():
                    start = time.perf_counter()
                    run_report(session, policy, name, f, today, viewer=Actor("system"))
                    best[key][label] = min(best[key][label], time.perf_counter() - start)
        for session in sessions.values():
            session.close()
    finally:
        for db in engines.values():
            db.dispose()
    return {key: {label: round(t * 1000, 1) for label, t in by_label.items()} for key, by_label in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--url", help="a database URL template with {n} for the size (default: SQLite files)")
    args = parser.parse_args()
    urls = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            urls[n] = args.url.format(n=n) if args.url else f"sqlite:///{Path(tmp) / f'reports_{n}.sqlite3'}"
            started = time.perf_counter()
            populate(urls[n], n)
            print(f"{n} cases written in {time.perf_counter() - started:.1f}s", flush=True)
        results = measure(urls)
    sizes = list(results)
    print(f"{'report':<44}" + "".join(f"{f'{n:,} cases ms':>18}" for n in sizes))
    for label in results[sizes[0]]:
        print(f"{label:<44}" + "".join(f"{results[n][label]:>18}" for n in sizes))


if __name__ == "__main__":
    main()
