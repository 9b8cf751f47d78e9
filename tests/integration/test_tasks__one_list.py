"""One task list: the command line, the API and the web page show the same tasks in the same order,
because all three read `Engine.task_page` (engine/queries.py's `task_list`)."""
from __future__ import annotations

import json
import re

import pytest

from cli.main import main


@pytest.fixture
def cli_on_world(web_world, db_url, monkeypatch, capsys):
    monkeypatch.setenv("REINTEGRATE_DATABASE_URL", db_url)
    monkeypatch.setenv("REINTEGRATE_ENV", "test")
    monkeypatch.setenv("REINTEGRATE_FAKE_NOW", web_world.runtime.clock.now().isoformat())

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.mark.parametrize("user", ["hana.host", "ava.ap", "lee.la"])
def test_cli_api_and_web_list_the_same_tasks_in_the_same_order(user, web_world, web_app, signed_in, cli_on_world):
    code, out, err = cli_on_world("task", "list", "--as", user, "--json")
    assert code == 0, err
    from_cli = [t["task_id"] for t in json.loads(out)]
    token = web_world.tokens[user]
    api = web_app.test_client().get("/api/v1/tasks?per_page=100", headers={"Authorization": f"Bearer {token}"}).json
    from_api = [t["task_id"] for t in api["items"]]
    html = signed_in(user).get("/").get_data(as_text=True)
    from_web = list(dict.fromkeys(re.findall(r'href="/tasks/([0-9a-f-]{36})"', html)))
    assert from_cli and from_cli == from_api
    assert from_web == from_api[:len(from_web)] and len(from_web) == min(len(from_api), 25)


def test_the_cli_list_for_everyone_includes_every_lane_and_keeps_each_tasks_form(web_world, cli_on_world):
    code, out, _ = cli_on_world("task", "list", "--json")
    tasks = json.loads(out)
    assert code == 0 and len({t["lane"] for t in tasks}) >= 3
    assert all(set(t) >= {"task_id", "case_id", "task", "title", "lane", "due", "form"} for t in tasks)
    consent = next(t for t in tasks if t["task"] == "record_parental_consent")
    assert any(f["id"] == "parent_agrees" for f in consent["form"])
    dated = [t["due"] for t in tasks if t["due"]]
    assert dated == sorted(dated)  # by due date, as the web shows them


def test_cli_list_of_one_case_and_of_a_case_that_does_not_exist(web_world, cli_on_world):
    case_id = web_world.case_with("interim_review_1")
    code, out, _ = cli_on_world("task", "list", "--case", case_id, "--json")
    assert code == 0 and {t["case_id"] for t in json.loads(out)} == {case_id}
    code, _, err = cli_on_world("task", "list", "--case", "R-NOPE")
    assert code != 0 and "no case 'R-NOPE'" in err
