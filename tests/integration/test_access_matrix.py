"""The access matrix (tests/integration/access_matrix.py) driven through three front doors: the
engine (and the permission module's own answer where no engine call exists), the web pages and the
API. Every account of every role and organisation column tries every action each door offers; each
test reports every cell that differs from the table, not just the first."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from cli import scenarios
from engine import accounts, permissions, queries
from engine.case_shares import share
from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.models import User
from engine.reads import SystemRead
from schooling.reports import make_filter, run_report
from tests.conftest import REINTEGRATION, TEST_READ, demo_password_hash, happened_today
from tests.integration.access_matrix import ACTIONS, AUTHORITY, CELLS, ORGS, ROLES, account, organisation
from tests.integration.timetable_cases import SEMH, START
from tests.web_helpers import csrf, post

R_START = {"pupil_name": "Matrix Pupil", "pupil_dob": "2012-05-14", "ap_setting": "Severn Vale Learning Centre",
           "home_school": "Hollybrook High School", "local_authority": "Worcestershire County Council"}
NOMINATION = {**START, "provider": "The Bridge School", "reasons_for_nomination": "Repeated suspensions in Year 9"}
XML = {"Content-Type": "application/xml"}


@dataclass
class Matrix:
    world: object
    r: str  # the reintegration case at its first interim review
    task: str  # its host-school task
    s: str  # the SEMH nomination waiting for its allocation
    advocacy_task: str  # the advocate's first task on the reintegration at risk
    tokens: dict[str, str]

    @property
    def rt(self):
        return self.world.runtime


@pytest.fixture
def matrix(web_world) -> Matrix:
    rt, password_hash = web_world.runtime, demo_password_hash()
    with rt.engine() as eng:
        eng.deploy(SEMH.read_bytes(), str(SEMH), "system")
        tokens = {}
        for role in ROLES:
            for org in ORGS:
                name, org_name = account(role, org), organisation(role, org)
                if org_name is None and permissions.needs_organisation(role):
                    # made before organisations were required: the rules refuse it at every decision
                    user = User(name=name, role=role, org=None, created_at=rt.clock.now())
                    eng.session.add(user)
                else:
                    user, _ = accounts.create_account(eng.session, name, role, rt.clock.now(), org=org_name)
                user.password_hash = password_hash  # the demo password, as the demo world's accounts have it
                tokens[name] = accounts.issue_token(user)
    with rt.engine() as eng:
        s = eng.start_case("semh_placement", NOMINATION, "ada.admin")["case_id"]
        a = eng.start_case("reintegration", scenarios.START_DATA, "ada.admin")["case_id"]
    for element, data in (("record_parental_consent", scenarios.HAPPY_PATH["record_parental_consent"]),
                          ("gather_information", scenarios.ADVOCACY_RISK),
                          ("record_child_views", scenarios.HAPPY_PATH["record_child_views"])):
        with rt.engine() as eng:  # the web tests' clock stays put: what happened, happened today
            task = next(t for t in eng.show_case(a, viewer=TEST_READ)["ready_tasks"] if t["task"] == element)
            eng.complete_task(task["task_id"], happened_today(data, task["form"], rt.clock.now().date().isoformat()),
                              "ada.admin")
    r = web_world.placement
    with rt.engine() as eng:  # sent to the authority's agencies, as the half-termly list shares its cases
        share(eng.session, [r], AUTHORITY, "access matrix", rt.clock.now(), "test")
    return Matrix(web_world, r, web_world.task_id(r, "interim_review_1"), s,
                  web_world.task_id(a, "engage_student_and_family"), tokens)


def _answer(fn) -> str:
    """The engine's answer to one attempt, rolled back: yes (allowed, or refused by a later check),
    no (Forbidden) or hidden (NotFound)."""
    try:
        fn()
    except NotFound:
        return "hidden"
    except Forbidden:
        return "no"
    except (InvalidData, Conflict):
        return "yes"
    return "yes"


class _Rollback(Exception):
    pass


def _engine_door(m: Matrix, action: str, name: str) -> str:
    def attempt():
        try:
            with m.rt.engine() as eng:
                user = eng.session.scalar(select(User).where(User.name == name))
                _engine_action(m, eng, user, action, name)
                raise _Rollback  # every attempt rolled back: cells never change the world for the next
        except _Rollback:
            pass

    return _answer(attempt)


def _engine_action(m: Matrix, eng, user: User, action: str, name: str) -> None:
    if action == "start":
        eng.start_case("reintegration", R_START, name)
    elif action == "read":
        eng.show_case(m.r, viewer=name)
    elif action == "complete":
        eng.complete_task(m.task, {}, name)
    elif action == "claim":
        queries.claim(eng.session, user, m.task, eng.clock.now())
    elif action == "message":
        eng.send_message(m.r, "emergency_review_requested", {"nonsense": 1}, name)
    elif action == "allocate":
        eng.send_message(m.s, "inclusion_allocation", {"offer": "none"}, name)
    elif action == "advocate":
        eng.complete_task(m.advocacy_task, {}, name)
    elif action == "deploy":
        eng.deploy(REINTEGRATION.read_bytes(), str(REINTEGRATION), name)
    elif action == "migrate":
        eng.migrate_case(m.r, 1, name, dry_run=True)
    elif action == "retry":
        eng.retry_case(m.r, name)
    elif action == "report":
        today = eng.clock.now().date()
        run_report(eng.session, eng.policy, "service", make_filter(None, today=today), today, viewer=user)
    elif action == "accounts":
        permissions.require_may(user, permissions.MANAGE_ACCOUNTS)
    elif action == "audit":
        permissions.require_may(user, permissions.READ_AUDIT)
        eng.show_case(m.r, viewer=name)
    elif action == "mail":
        permissions.require_may(user, permissions.READ_MAIL)


WEB_STATUS = {200: "yes", 302: "yes", 400: "yes", 403: "no", 404: "hidden"}


def _web_door(m: Matrix, client, action: str) -> str | None:
    """The web pages' answer, or None where no page offers the action."""
    if action == "read":
        response = client.get(f"/cases/{m.r}")
    elif action == "complete":
        response = post(client, f"/tasks/{m.task}")  # an empty form: 400 with its errors when allowed
    elif action == "claim":
        response = post(client, f"/tasks/{m.task}/claim")
        if response.status_code == 302:
            assert post(client, f"/tasks/{m.task}/unclaim").status_code == 302
    elif action == "message":  # the case page offers the button to those who may send it
        response = client.get(f"/cases/{m.r}")
        if response.status_code == 200 and "Request emergency review" not in response.get_data(as_text=True):
            return "no"
    elif action == "advocate":
        response = post(client, f"/tasks/{m.advocacy_task}")
    elif action == "deploy":
        response = client.post("/processes/reintegration/deploy", data=REINTEGRATION.read_bytes(),
                               headers={**XML, "X-CSRFToken": csrf(client)})
    elif action == "migrate":
        response = client.get("/processes/reintegration/versions/1/migrate")
    elif action == "report":
        response = client.get("/reports/service")
        csv_answer = WEB_STATUS.get(client.get("/reports/service/export.csv").status_code)
        if WEB_STATUS.get(response.status_code) != csv_answer:
            return f"page and CSV differ ({response.status_code}, {csv_answer})"
    elif action == "accounts":
        response = client.get("/admin/users")
    elif action == "audit":
        response = client.get(f"/cases/{m.r}/audit")
    elif action == "mail":
        response = client.get("/mail")
    else:
        return None
    return WEB_STATUS.get(response.status_code, f"HTTP {response.status_code}")


API_STATUS = {200: "yes", 201: "yes", 409: "yes", 422: "yes", 403: "no", 404: "hidden"}


def _api_door(m: Matrix, client, token: str, action: str) -> str | None:
    headers = {"Authorization": f"Bearer {token}"}
    if action == "start":
        response = client.post("/api/v1/cases", json={"process": "reintegration", "data": R_START}, headers=headers)
    elif action == "read":
        response = client.get(f"/api/v1/cases/{m.r}", headers=headers)
    elif action == "complete":
        response = client.post(f"/api/v1/tasks/{m.task}/complete", json={"data": {}}, headers=headers)
    elif action == "message":
        response = client.post(f"/api/v1/cases/{m.r}/messages/emergency_review_requested",
                               json={"data": {"nonsense": 1}}, headers=headers)
    elif action == "allocate":
        response = client.post(f"/api/v1/cases/{m.s}/messages/inclusion_allocation", json={"data": {"offer": "none"}},
                               headers=headers)
    elif action == "advocate":
        response = client.post(f"/api/v1/tasks/{m.advocacy_task}/complete", json={"data": {}}, headers=headers)
    else:
        return None
    return API_STATUS.get(response.status_code, f"HTTP {response.status_code}")


def _differences(observed: dict[tuple[str, str, str], str]) -> list[str]:
    return [f"{action} by {account(role, org)}: expected {CELLS[(action, role, org)]}, got {answer}"
            for (action, role, org), answer in sorted(observed.items()) if answer != CELLS[(action, role, org)]]


def test_the_table_fills_every_cell():
    assert len(CELLS) == len(ACTIONS) * len(ROLES) * len(ORGS) == 840


def test_engine(matrix):
    observed = {(action, role, org): _engine_door(matrix, action, account(role, org))
                for action in ACTIONS for role in ROLES for org in ORGS}
    assert _differences(observed) == []
    with matrix.rt.engine() as eng:  # nothing was started, completed or moved
        assert eng.show_case(matrix.r, viewer=SystemRead("test"))["ready_tasks"][0]["task"] == "interim_review_1"


def test_web_pages(matrix, signed_in):
    observed = {}
    for role in ROLES:
        for org in ORGS:
            client = signed_in(account(role, org))
            for action in ACTIONS:
                answer = _web_door(matrix, client, action)
                if answer is not None:
                    observed[(action, role, org)] = answer
    assert len(observed) == 11 * len(ROLES) * len(ORGS)
    assert _differences(observed) == []


def test_api(matrix, web_app):
    client, observed = web_app.test_client(), {}
    for role in ROLES:
        for org in ORGS:
            name = account(role, org)
            for action in ACTIONS:
                answer = _api_door(matrix, client, matrix.tokens[name], action)
                if answer is not None:
                    observed[(action, role, org)] = answer
    assert len(observed) == 6 * len(ROLES) * len(ORGS)
    assert _differences(observed) == []


def test_signed_out_requests_go_to_sign_in(matrix, web_app):
    client = web_app.test_client()
    for path in ("/", f"/cases/{matrix.r}", f"/cases/{matrix.r}/diagram.bpmn", "/mail", "/admin/users",
                 f"/tasks/{matrix.task}", "/reports/service", "/processes"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/sign-in?next="), path
    assert client.get("/accessibility").status_code == 200
    assert client.post(f"/cases/{matrix.r}/emergency-review").status_code in (302, 400)
    assert client.get(f"/api/v1/cases/{matrix.r}").status_code == 401


def test_the_answers_are_the_same_at_every_door_for_the_reasons_given(matrix):
    """A refusal says why: an account with no organisation is told it needs one."""
    with matrix.rt.engine() as eng, pytest.raises(NotFound):
        eng.complete_task(matrix.task, {}, account("host_school", "none"))
    with matrix.rt.engine() as eng, pytest.raises(Forbidden, match="belongs to no organisation"):
        eng.start_case("reintegration", R_START, account("ap_setting", "none"))
    with matrix.rt.engine() as eng, pytest.raises(Forbidden, match="cannot start a case whose AP setting is"):
        eng.start_case("reintegration", R_START, account("ap_setting", "other"))
