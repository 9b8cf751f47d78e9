"""Drive one reintegration case from start to finish through the REST API of a running server.

Run by `scripts/wheel_check.py` with the installed wheel's Python, from a folder outside the source
tree: it uses only the standard library and the installed package's own example data
(`cli.scenarios`, its dates moved to the last school days before today by the installed policy's
calendar), which it checks is the installed copy. Usage:
    python wheel_check_case.py BASE_URL TOKENS_JSON
where TOKENS_JSON maps each lane (ap_setting, la_admissions, host_school, home_school) to an API token.
Prints the finished case as JSON; exits 1 with the reason if the case does not complete.
"""
from __future__ import annotations

import json
import re
import sys
import urllib.error
import urllib.request
from datetime import date, timedelta


def call(base: str, token: str, method: str, path: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"{method} {path}: {exc.code} {exc.read().decode(errors='replace')}") from None


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Dates the plan sets itself (reviews; the next meeting): left to their defaults, as the demo does.
LEFT_OUT = ("review_1_date", "review_2_date", "review_3_date", "next_meeting_date")


def recent(path: dict[str, dict], today: date, calendar) -> dict[str, dict]:
    """The happy path's forms with their dates moved to the last school days before today, in the same
    order: forms may not record a date in the future, and meetings fall on school days."""
    originals = sorted({v for form in path.values() for k, v in form.items()
                        if k not in LEFT_OUT and isinstance(v, str) and ISO_DATE.match(v)})
    days, day = [], today - timedelta(days=1)
    while len(days) < len(originals):
        if calendar.is_school_day(day):
            days.append(day)
        day -= timedelta(days=1)
    moved = dict(zip(originals, (d.isoformat() for d in reversed(days)), strict=True))
    return {task: {k: moved.get(v, v) if isinstance(v, str) else v for k, v in form.items() if k not in LEFT_OUT}
            for task, form in path.items()}


def main(base: str, tokens: dict[str, str]) -> int:
    import cli.scenarios as s
    from schooling.policy import load_policy

    if sys.prefix not in s.__file__:
        raise SystemExit(f"cli.scenarios comes from {s.__file__}, not the installed package in {sys.prefix}")
    path = recent(s.HAPPY_PATH, date.today(), load_policy().school_calendar())
    case = call(base, tokens["ap_setting"], "POST", "/api/v1/cases",
                {"process": "reintegration", "data": s.START_DATA})
    case_id, completed = case["case_id"], []
    for _ in range(len(path) + 1):
        if case["status"] != "running" or not case["ready_tasks"]:
            break
        task = next((t for t in case["ready_tasks"] if t["task"] in path), None)
        if task is None:
            raise SystemExit(f"{case_id}: no happy-path task among {[t['task'] for t in case['ready_tasks']]}")
        case = call(base, tokens[task["lane"]], "POST", f"/api/v1/tasks/{task['task_id']}/complete",
                    {"data": path[task["task"]]})
        completed.append(task["task"])
    case = call(base, tokens["ap_setting"], "GET", f"/api/v1/cases/{case_id}")
    if case["status"] != "completed":
        raise SystemExit(f"{case_id} is {case['status']} after {completed}; ready: {case['ready_tasks']}")
    print(json.dumps({"case_id": case_id, "status": case["status"], "completed": completed}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], json.loads(sys.argv[2])))
