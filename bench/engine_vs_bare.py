"""One whole reintegration case: our engine (CLI path; SQLite file, PostgreSQL) against bare SpiffWorkflow.

All run the same diagram and the same scenario. Ours goes the way `reintegrate` commands go: a
transaction per step, the case saved to the database each time (and loaded, unless this process
saved it last: engine/workflow_cache.py), with projections, history, report facts and outbox. The
baselines, each bare SpiffWorkflow on a diagram parsed once:

- **like-for-like**: the workflow kept in memory, its state only (no spec: the engine's own
  serializer, so the same JSON and the same compression) saved in a table of the same database
  with the same settings, a transaction per step. The least a real application must do to survive
  a restart, done the way the engine does it; the goal is the engine within 1.2x of it;
- in memory, saving nothing;
- saving SpiffWorkflow's full JSON (spec included) and loading it back after each step, to a file
  or in the same database.

The bytes of state written per step are counted on both sides of the like-for-like pair, and set
against the same states as plain JSON (what the engine wrote before it compressed them).

    python -m bench.engine_vs_bare [--runs 15] [--databases sqlite postgresql]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from sqlalchemy import Column, Integer, MetaData, Table, Text, insert, select, update

from bench.bare_spiff import parse, read_topics, run_reintegration_case
from cli import scenarios as s
from engine.access import add_user
from engine.clock import FixedClock
from engine.serialization import StateSerializer
from engine.wiring import Runtime
from handlers import default_registry
from schooling.policy import load_policy

ROOT = Path(__file__).resolve().parent.parent
BPMN = ROOT / "processes" / "reintegration.bpmn"
ACTORS = {"ap_setting": "ava.ap", "la_admissions": "lee.la", "host_school": "hana.host", "home_school": "omar.home"}
#: The organisation each actor acts for: a lane-role account belongs to one, or it may do nothing.
ORGS = {"ap_setting": s.START_DATA["ap_setting"], "la_admissions": s.START_DATA["local_authority"],
        "host_school": s.HAPPY_PATH["allocate_place"]["host_school"], "home_school": s.START_DATA["home_school"]}


def make_runtime(url: str) -> Runtime:
    # after the scenario's Fair Access dates (they may not be in the future), before its first reminder
    rt = Runtime(url=url, clock=FixedClock(datetime(2027, 2, 9, 9, tzinfo=UTC)), policy=load_policy(),
                 registry=default_registry())
    rt.upgrade()
    with rt.engine() as eng:
        eng.deploy(BPMN.read_bytes(), str(BPMN), "system")
        for name, lane in ((v, k) for k, v in ACTORS.items()):
            add_user(eng.session, name, lane, ORGS[lane], rt.clock.now())
    return rt


def run_engine_case(rt: Runtime) -> str:
    """The happy path, one transaction per step, as `task complete` runs it (which prints the ready tasks)."""
    rt.clock.set(s.START_AT)  # each case from the start of the scenario's dates
    with rt.engine() as eng:
        case = eng.start_case("reintegration", s.START_DATA, "ava.ap")
    for element, data in s.HAPPY_PATH.items():
        task = next(t for t in case["ready_tasks"] if t["task"] == element)
        s.recorded_on(rt.clock, data, task["form"])
        with rt.engine() as eng:
            case = eng.complete_task(task["task_id"], data, ACTORS[task["lane"]])
    assert case["status"] == "completed", case["status"]
    return case["case_id"]


def _round_trip(serializer: BpmnWorkflowSerializer, path: Path):
    """Save the workflow to a JSON file and load it back, as a bare SpiffWorkflow app would."""

    def step(workflow):
        path.write_text(serializer.serialize_json(workflow))
        return serializer.deserialize_json(path.read_text())

    return step


def _in_database(serializer: BpmnWorkflowSerializer, db):
    """Save the workflow as JSON in a table of the engine's own database, a transaction per step, and
    load it back: the least a bare SpiffWorkflow app needs to persist a case."""
    table = Table("bare_states", MetaData(), Column("id", Integer, primary_key=True), Column("state", Text))
    table.create(db, checkfirst=True)
    with db.begin() as conn:
        conn.execute(table.delete())
        conn.execute(table.insert(), {"id": 1, "state": ""})

    def step(workflow):
        with db.begin() as conn:
            conn.execute(table.update().where(table.c.id == 1).values(state=serializer.serialize_json(workflow)))
        with db.begin() as conn:
            return serializer.deserialize_json(conn.execute(select(table.c.state).where(table.c.id == 1)).scalar_one())

    return step


def _state_only(serializer: StateSerializer, db, written: list[int]):
    """The like-for-like baseline's save: the workflow stays in memory; its state only, encoded by the
    engine's serializer, goes to a row of its own in the same database, one transaction per step (an
    INSERT when the case starts, an UPDATE after each step). `written` gets the bytes of each save."""
    table = Table("bare_case_states", MetaData(), Column("id", Integer, primary_key=True), Column("state", Text))
    table.create(db, checkfirst=True)
    row: list[int] = []

    def step(workflow):
        state = serializer.dumps(workflow)
        written.append(len(state.encode()))
        with db.begin() as conn:
            if row:
                conn.execute(update(table).where(table.c.id == row[0]).values(state=state))
            else:
                row.append(conn.execute(insert(table).values(state=state)).inserted_primary_key[0])
        return workflow

    return step


def engine_state_bytes(rt: Runtime) -> dict[str, float]:
    """Bytes of state the engine writes per step over one whole case: as stored, and the same
    states as plain JSON (what it stored before compressing them)."""
    serializer, stored, plain = rt.serializer, [], []
    dumps, to_json = serializer.dumps, serializer.to_json

    def counted_json(workflow):
        text = to_json(workflow)
        plain.append(len(text.encode()))
        return text

    def counted_dumps(workflow):
        state = dumps(workflow)
        stored.append(len(state.encode()))
        return state

    serializer.to_json, serializer.dumps = counted_json, counted_dumps
    try:
        run_engine_case(rt)
    finally:
        del serializer.to_json, serializer.dumps
    steps = 1 + len(s.HAPPY_PATH)  # `case start`, then one `task complete` a task
    return {"stored": sum(stored) / steps, "json": sum(plain) / steps}


def _times(variants: dict, runs: int) -> dict[str, float]:
    """Median ms of each variant, interleaved so that machine drift affects all of them alike."""
    times: dict[str, list[float]] = {k: [] for k in variants}
    for fn in variants.values():  # warm: caches, imports
        fn()
    for _ in range(runs):
        for name, fn in variants.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) * 1000 for k, v in times.items()}


def measure(runs: int = 15, databases: tuple[str, ...] = ("sqlite", "postgresql")) -> list[dict]:
    """One whole case through the engine on each database, against bare SpiffWorkflow: like-for-like
    (state only, kept in memory, the same database), in memory, and saving and reloading its full JSON
    in a file or the same database. Then the bytes of state written per step."""
    parsed, topics = parse(str(BPMN)), read_topics(str(BPMN))
    config = dict(CAMUNDA_CONFIG)
    config[ServiceTask] = BpmnTaskSpecConverter  # the Camunda config lacks one (a known 3.2.0 gap)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))
    rows = []
    with tempfile.TemporaryDirectory() as tmp, temporary_databases(databases, tmp) as urls:
        for database, url in urls.items():
            rt = make_runtime(url)
            written: list[int] = []

            def bare(after_step=None):
                return run_reintegration_case(str(BPMN), parsed=parsed, topics=topics, after_step=after_step)

            variants = {
                "engine": lambda rt=rt: run_engine_case(rt),
                "like": lambda rt=rt, written=written: bare(_state_only(rt.serializer, rt.db, written)),
                "bare": bare,
                "bare_file": lambda: bare(_round_trip(serializer, Path(tmp) / "state.json")),
                "bare_db": lambda rt=rt: bare(_in_database(serializer, rt.db)),
            }
            ms = _times(variants, runs)
            steps = (runs + 1) * (1 + len(s.HAPPY_PATH))  # the warm-up run, then `runs` runs
            assert len(written) == steps, (len(written), steps)
            state = engine_state_bytes(rt)
            rt.db.dispose()
            where = "SQLite file" if database == "sqlite" else "PostgreSQL"

            def row(name: str, base: str, ms=ms, **more) -> dict:
                return {"name": name, "runs": runs, "ours_ms": round(ms["engine"], 1), "base_ms": round(ms[base], 1),
                        "ratio": round(ms["engine"] / ms[base], 2), **more}

            rows += [
                row(f"whole case: engine ({where}, a transaction per step) / like-for-like bare SpiffWorkflow: "
                    f"kept in memory, its state only saved in {where}, a transaction per step", "like",
                    goal_ratio=1.2),
                row(f"whole case: engine ({where}, a transaction per step) / bare SpiffWorkflow in memory, saving nothing",
                    "bare", goal_ratio=1.5),
                row(f"whole case: engine ({where}) / bare SpiffWorkflow saving its full JSON (spec too) in {where} "
                    "and loading it back, a transaction per step", "bare_db"),
            ]
            if database == "sqlite":
                rows.append(row("whole case: engine (SQLite file) / bare SpiffWorkflow saving its full JSON (spec too) "
                                "to a file and loading it back after each step", "bare_file"))
            like_bytes = sum(written) / steps
            rows += [
                {"name": f"state written per step ({where}): engine / like-for-like bare SpiffWorkflow",
                 "ours_bytes": round(state["stored"]), "base_bytes": round(like_bytes),
                 "ratio": round(state["stored"] / like_bytes, 2)},
                {"name": f"state written per step ({where}): engine, compressed / the same states as plain JSON "
                         "(what it wrote before)", "ours_bytes": round(state["stored"]),
                 "base_bytes": round(state["json"]), "ratio": round(state["stored"] / state["json"], 2),
                 "goal_ratio": 0.25},
            ]
    return rows


@contextmanager
def temporary_databases(names: tuple[str, ...], tmp: str):
    """Database URLs by name: a SQLite file, and a database on a throwaway PostgreSQL cluster."""
    urls, server = {}, None
    try:
        if "sqlite" in names:
            urls["sqlite"] = f"sqlite:///{tmp}/bench.sqlite3"
        if "postgresql" in names:
            from tests.postgres_server import PostgresServer  # the cluster the tests use

            server = PostgresServer().start()
            urls["postgresql"] = server.create_database("bench_whole_case")
        yield urls
    finally:
        if server is not None:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--databases", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    args = parser.parse_args()
    for row in measure(args.runs, tuple(args.databases)):
        print(row)


if __name__ == "__main__":
    main()
