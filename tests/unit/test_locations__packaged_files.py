"""The shipped files are read from the installed packages, and a site's settings point at its own."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine import locations
from engine.mail import MailRenderer
from schooling.policy import load_policy

SHIPPED_MAIL = locations.packaged("processes", "mail")


def test_shipped_files_come_from_the_packages():
    assert (locations.packaged("processes") / "reintegration.bpmn").is_file()
    assert locations.policy_path({}).name == "policy.toml" and locations.policy_path({}).is_file()
    assert locations.mail_dirs({}) == [SHIPPED_MAIL]
    assert (locations.packaged("migrations", "versions") / "0001_initial_schema.py").is_file()


def test_a_sites_own_folders_and_files(tmp_path: Path):
    (tmp_path / "policy.toml").write_text("fair_access_school_days = 15\n")
    (tmp_path / "mail").mkdir()
    env = {"REINTEGRATE_PROCESSES_DIR": str(tmp_path), "REINTEGRATE_POLICY": str(tmp_path / "policy.toml"),
           "REINTEGRATE_MAIL_DIR": str(tmp_path / "mail"), "REINTEGRATE_INSTANCE_DIR": str(tmp_path / "inst")}
    assert locations.processes_dir(env) == tmp_path
    assert load_policy(locations.policy_path(env)).fair_access_school_days == 15
    assert locations.mail_dirs(env) == [tmp_path / "mail", SHIPPED_MAIL]
    assert locations.instance_dir(env) == tmp_path / "inst"


@pytest.mark.parametrize("name, value, message", [
    ("REINTEGRATE_PROCESSES_DIR", "/nonexistent/processes", "REINTEGRATE_PROCESSES_DIR is not a folder"),
    ("REINTEGRATE_POLICY", "/nonexistent/policy.toml", "REINTEGRATE_POLICY is not a file"),
    ("REINTEGRATE_MAIL_DIR", "/nonexistent/mail", "REINTEGRATE_MAIL_DIR is not a folder"),
])
def test_a_setting_that_points_nowhere_is_a_clear_error(name, value, message):
    fn = {"REINTEGRATE_PROCESSES_DIR": locations.processes_dir, "REINTEGRATE_POLICY": locations.policy_path,
          "REINTEGRATE_MAIL_DIR": locations.mail_dirs}[name]
    with pytest.raises(ValueError, match=message):
        fn({name: value})


def test_a_sites_mail_template_replaces_the_shipped_one_of_that_name_only(tmp_path: Path):
    (tmp_path / "deadline_reminder.txt").write_text("Subject: Our own wording {{ case_id }}\n\nBody.\n")
    renderer = MailRenderer([tmp_path, SHIPPED_MAIL])
    assert renderer.render("deadline_reminder", {"case_id": "R-1"}).subject == "Our own wording R-1"
    shipped = (SHIPPED_MAIL / "la_referral.txt").read_text().splitlines()[0]
    assert shipped.startswith("Subject:")
    assert renderer._text.get_template("la_referral.txt").filename == str(SHIPPED_MAIL / "la_referral.txt")
