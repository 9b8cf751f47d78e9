"""Worker processes for test_stress__concurrency: each builds its own Runtime (and, for the API, its own
Flask app on that runtime), waits at a barrier with the others, then races them on the same cases.

Every outcome is counted, never swallowed: "won" (the call returned), "conflict" (a clean engine
Conflict, or HTTP 409 with error "conflict" from the API), "gone" (the task was no longer ready when
the worker looked), "notfound" (a task seen ready was gone when completed: NotFound / HTTP 404, which
the engine answers for a task cancelled under the caller; see the test). Anything else is an
unexpected error, reported with its type and message.
"""
from __future__ import annotations

import random
import time
import traceback
from datetime import datetime

from engine.clock import FixedClock
from engine.errors import Conflict, NotFound
from engine.reads import SystemRead
from engine.wiring import Runtime
from handlers import default_registry
from schooling.policy import load_policy

ACTOR = "ava.ap"
TEST_READ = SystemRead("test")
MAX_ATTEMPTS = 20  # a worker retries a task lost to another branch of the same case this many times


class Unexpected(Exception):
    """Neither success nor a clean conflict."""


def runtime(url: str, now: datetime) -> Runtime:
    return Runtime(url=url, clock=FixedClock(now), policy=load_policy(), registry=default_registry())


class EngineClient:
    """The facade, one transaction per call, as the CLI and the scheduler call it."""

    def __init__(self, rt: Runtime):
        self.rt = rt

    def ready(self, case_id: str) -> dict[str, str]:
        with self.rt.engine() as eng:
            return {t["task"]: t["task_id"] for t in eng.show_case(case_id, viewer=TEST_READ)["ready_tasks"]}

    def complete(self, task_id: str, data: dict) -> str:
        try:
            with self.rt.engine() as eng:
                eng.complete_task(task_id, data, ACTOR)
        except Conflict:
            return "conflict"
        except NotFound:
            return "notfound"
        return "won"

    def message(self, case_id: str, name: str, data: dict) -> str:
        try:
            with self.rt.engine() as eng:
                eng.send_message(case_id, name, data, ACTOR)
        except Conflict:
            return "conflict"
        return "won"


class ApiClient:
    """The REST API through the WSGI app, with a bearer token."""

    def __init__(self, rt: Runtime, token: str):
        from web import create_app

        app = create_app(rt, {"TESTING": True, "PROPAGATE_EXCEPTIONS": False})
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def _outcome(self, response) -> str:
        body = response.get_json(silent=True) or {}
        if response.status_code == 200:
            return "won"
        if response.status_code == 409 and body.get("error") == "conflict":
            return "conflict"
        if response.status_code == 404 and body.get("error") == "notfound" and "/complete" in response.request.path:
            return "notfound"
        raise Unexpected(f"HTTP {response.status_code}: {response.get_data(as_text=True)[:300]}")

    def ready(self, case_id: str) -> dict[str, str]:
        response = self.client.get(f"/api/v1/cases/{case_id}", headers=self.headers)
        if response.status_code != 200:
            raise Unexpected(f"HTTP {response.status_code} reading {case_id}: {response.get_data(as_text=True)[:300]}")
        return {t["task"]: t["task_id"] for t in response.get_json()["ready_tasks"]}

    def complete(self, task_id: str, data: dict) -> str:
        return self._outcome(self.client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data},
                                              headers=self.headers))

    def message(self, case_id: str, name: str, data: dict) -> str:
        return self._outcome(self.client.post(f"/api/v1/cases/{case_id}/messages/{name}", json={"data": data},
                                              headers=self.headers))


def _client(url: str, now: datetime, via: str, token: str):
    rt = runtime(url, now)
    return EngineClient(rt) if via == "engine" else ApiClient(rt, token)


def _error(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{type(exc).__module__}.{type(exc).__name__}: {str(exc)[:300]}{where}"


def task_racer(name: str, url: str, now: datetime, via: str, token: str, element: str, field: str,
               value_base: int, case_ids: list[str], barrier, out) -> None:
    """Complete `element` on every case with a value of its own; retry while the task is still ready."""
    client = _client(url, now, via, token)
    rows, errors, conflicts = [], [], 0
    barrier.wait()
    for i, case_id in enumerate(case_ids):
        value = value_base + i
        outcome = "gone"
        try:
            for _ in range(MAX_ATTEMPTS):
                ready = client.ready(case_id)
                if element not in ready:
                    outcome = "gone"
                    break
                outcome = client.complete(ready[element], {field: value})
                if outcome == "won":
                    break
                conflicts += 1
                time.sleep(random.random() * 0.01)
        except Exception as exc:
            outcome = "error"
            errors.append(f"{name} {case_id}: {_error(exc)}")
        rows.append({"worker": name, "case_id": case_id, "element": element, "value": value, "outcome": outcome})
    out.put({"worker": name, "rows": rows, "errors": errors, "conflicts": conflicts})


def finisher(name: str, url: str, now: datetime, via: str, token: str, action: str, case_ids: list[str],
             barrier, out) -> None:
    """One attempt per case: complete `final`, or deliver the message `withdrawn` that interrupts it."""
    client = _client(url, now, via, token)
    rows, errors, conflicts = [], [], 0
    barrier.wait()
    for case_id in case_ids:
        try:
            if action == "final":
                ready = client.ready(case_id)
                outcome = client.complete(ready["final"], {"note": f"by {name}"}) if "final" in ready else "gone"
            else:
                outcome = client.message(case_id, "withdrawn", {"by": name})
        except Exception as exc:
            outcome = "error"
            errors.append(f"{name} {case_id}: {_error(exc)}")
        conflicts += outcome == "conflict"
        rows.append({"worker": name, "case_id": case_id, "action": action, "outcome": outcome})
    out.put({"worker": name, "rows": rows, "errors": errors, "conflicts": conflicts})


def scheduler(name: str, url: str, now: datetime, stop, barrier, out) -> None:
    """`fire_due` passes, as `reintegrate scheduler` runs them, until the racers are done; then one more."""
    rt = runtime(url, now)
    fired, failed, errors, passes = [], [], [], 0
    barrier.wait()
    while True:
        last = stop.is_set()
        try:
            report = rt.fire_due(name)
            fired += report.fired
            failed += report.failed
        except Exception as exc:  # the claim itself failed
            errors.append(f"{name} claim: {_error(exc)}")
        passes += 1
        if last:
            break
        time.sleep(0.005)
    out.put({"worker": name, "fired": fired, "failed": failed, "errors": errors, "passes": passes})
