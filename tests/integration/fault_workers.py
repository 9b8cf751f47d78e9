"""A process for test_faults__kill_9: completes one task with a slow service-task handler, saying on
stdout where it is, so that the test can kill -9 it in the middle of the engine call's transaction.

    python -m tests.integration.fault_workers URL TASK_ID NOW SLEEP
prints "ready", waits for a line on stdin, then "in-handler" (inside the transaction, after the case
row's UPDATE), "handler-done", and "committed" once the transaction is committed.
"""
from __future__ import annotations

import sys
import time
from datetime import datetime

from tests.integration.concurrency_workers import ACTOR, runtime


def main(url: str, task_id: str, now: str, sleep: str) -> None:
    rt = runtime(url, datetime.fromisoformat(now))
    real = rt.registry.handler("deadline_reminder")

    def slow(ctx):
        print("in-handler", flush=True)
        time.sleep(float(sleep))
        print("handler-done", flush=True)
        return real(ctx)

    rt.registry._handlers["deadline_reminder"] = slow  # a test's stand-in for a slow records service
    with rt.engine() as eng:
        eng.case_ids()  # connect and load before the clock starts
    print("ready", flush=True)
    sys.stdin.readline()
    with rt.engine() as eng:
        eng.complete_task(task_id, {"a": 42}, ACTOR)
    print("committed", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
