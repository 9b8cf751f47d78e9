"""CI: build the wheel, install it in a fresh virtual environment outside the source tree, and run it
the way the README's production section says, word for word: `python -m scripts.wheel_check`.

The README's blocks marked `<!-- wheel-check: install -->`, `<!-- wheel-check: setup -->` and
`<!-- wheel-check: check -->` are run by bash as written (a line ending in `# your values` is where a
site sets its own paths: here they are this run's temporary ones), and the services are started from
the `ExecStart=` and `EnvironmentFile=` lines of `docs/production/*.service`, with `/opt/reintegrate` and
`/etc/reintegrate/env` replaced by this run's folders. Against each database (SQLite, and PostgreSQL on
a throwaway cluster): `init-db`, an admin account, gunicorn, a reintegration case driven from start to
finish through the REST API by `wheel_check_case.py` (standard library only), then the schedulers
(one on SQLite, two on PostgreSQL) and the check block. Exits non-zero with the reason on failure.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
UNITS = ROOT / "docs" / "production"
SITE_PREFIX, SITE_ENV = "/opt/reintegrate", "/etc/reintegrate/env"
#: The API users that drive the case, one per lane, with the organisations the example case names.
LANE_USERS = {"ap_setting": ("ava.ap", "Severn Vale Learning Centre"),
              "la_admissions": ("lee.la", "Worcestershire County Council"),
              "host_school": ("hana.host", "Kingsmead High School"),
              "home_school": ("omar.home", "Hollybrook High School")}


class CheckFailed(Exception):
    pass


def readme_block(name: str, readme: str | None = None) -> str:
    """The fenced block after `<!-- wheel-check: NAME -->` in the README, without `# your values` lines."""
    text = README.read_text() if readme is None else readme
    match = re.search(rf"<!-- wheel-check: {name} -->\s*```sh\n(.*?)```", text, re.S)
    if not match:
        raise CheckFailed(f"README.md has no ```sh block after <!-- wheel-check: {name} -->")
    return "".join(line + "\n" for line in match.group(1).splitlines() if not line.rstrip().endswith("# your values"))


def unit_command(unit: str, prefix: Path, env_file: Path) -> tuple[list[str], Path]:
    """A systemd unit's ExecStart (as argv) and EnvironmentFile, moved to this run's folders."""
    text = (UNITS / unit).read_text()
    values = dict(re.findall(r"^(ExecStart|EnvironmentFile)=(.*)$", text, re.M))
    argv = [a.replace(SITE_PREFIX, str(prefix)) for a in shlex.split(values["ExecStart"])]
    return argv, Path(values["EnvironmentFile"].replace(SITE_ENV, str(env_file)))


def read_env_file(path: Path) -> dict[str, str]:
    """KEY="value" lines as systemd's EnvironmentFile reads them (comments and blank lines skipped)."""
    out = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            out[key.strip()] = shlex.split(value)[0] if value.strip() else ""
    return out


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a fresh login: no virtual environment, no PYTHONPATH, nothing of ours."""
    keep = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    keep["PATH"] = ":".join(p for p in keep.get("PATH", "/usr/bin:/bin").split(":") if str(ROOT) not in p)
    return {**keep, **extra}


def run(cmd, *, cwd: Path, env: dict[str, str], stdin: str = "", what: str, steps: list | None = None) -> str:
    """Run `cmd`; its time goes to `steps` (printed at the end), or is printed now."""
    started = time.monotonic()
    result = subprocess.run(cmd, cwd=cwd, env=env, input=stdin, capture_output=True, text=True)
    line = f"  {what}: exit {result.returncode} in {time.monotonic() - started:.1f} s"
    if steps is None:
        print(line, flush=True)
    else:
        steps.append(line)
    if result.returncode != 0:
        raise CheckFailed(f"{what} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def build_wheel(work: Path) -> Path:
    if not (ROOT / "web" / "static" / "vendor").is_dir():
        raise CheckFailed("web/static/vendor/ is missing: run `make assets` (npm ci, python -m scripts.vendor_assets)")
    dist = work / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(ROOT)], cwd=ROOT,
        env={**os.environ}, what="build the wheel")
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    (wheel,) = dist.glob("reintegrate-*.whl")
    return wheel


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise CheckFailed(f"{proc.args} exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response)
        except OSError:
            time.sleep(0.3)
    raise CheckFailed(f"{url} did not answer within {seconds} s")


def start_unit(unit: str, prefix: Path, env_file: Path, cwd: Path, log: Path) -> subprocess.Popen:
    argv, env_path = unit_command(unit, prefix, env_file)
    handle = log.open("w")
    return subprocess.Popen(argv, cwd=cwd, env=clean_env(**read_env_file(env_path)), stdout=handle,
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def write_env_file(path: Path, url: str, port: int) -> None:
    """This run's settings, with the keys of docs/production/reintegrate.env (no SMTP server)."""
    path.write_text("\n".join([
        f'REINTEGRATE_DATABASE_URL="{url}"', f'REINTEGRATE_SECRET_KEY="{os.urandom(32).hex()}"',
        f'REINTEGRATE_BASE_URL="http://127.0.0.1:{port}"', 'REINTEGRATE_HOST="127.0.0.1"',
        f'REINTEGRATE_PORT="{port}"', 'REINTEGRATE_WEB_WORKERS="2"', 'REINTEGRATE_WEB_THREADS="2"', ""]))
    path.chmod(0o600)


# The lane users, added with the installed command's own code in one process (one start-up, not four).
ADD_USERS = """
import contextlib, io, json, sys
from cli.main import main
tokens = {}
for lane, (user, org) in json.loads(sys.argv[1]).items():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["user", "add", user, "--role", lane, "--org", org, "--token", "--json"])
    if code:
        sys.exit(f"user add {user} failed ({code})")
    tokens[lane] = json.loads(out.getvalue())["token"]
print(json.dumps(tokens))
"""


def check_database(name: str, url: str, work: Path, prefix: Path) -> dict:
    """The README's setup, the services, a whole case over the API and the check block on one database."""
    steps: list[str] = []
    site = work / name
    site.mkdir()
    env_file, port = site / "env", free_port()
    write_env_file(env_file, url, port)
    settings = read_env_file(env_file)
    run(["bash", "-euo", "pipefail", "-c", readme_block("setup")], cwd=site, stdin="a long admin password\n",
        env=clean_env(PREFIX=str(prefix), ENV_FILE=str(env_file), ADMIN="ada.admin"), what="README setup block",
        steps=steps)
    tokens = json.loads(run([str(prefix / "bin" / "python"), "-c", ADD_USERS, json.dumps(LANE_USERS)], cwd=site,
                            env=clean_env(**settings), what="user add (one per lane) --token", steps=steps))
    procs = [start_unit("reintegrate-web.service", prefix, env_file, site, site / "web.log")]
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", procs[0])
        shutil.copy(Path(__file__).with_name("wheel_check_case.py"), site / "wheel_check_case.py")
        case = json.loads(run([str(prefix / "bin" / "python"), "wheel_check_case.py", f"http://127.0.0.1:{port}",
                               json.dumps(tokens)], cwd=site, env=clean_env(), what="a case from start to finish",
                              steps=steps))
        schedulers = 1 if url.startswith("sqlite") else 2
        for n in range(1, schedulers + 1):
            procs.append(start_unit("reintegrate-scheduler@.service", prefix, env_file, site, site / f"scheduler{n}.log"))
        _wait_schedulers(procs[1:], site, schedulers)
        run(["bash", "-euo", "pipefail", "-c", readme_block("check")], cwd=site,
            env=clean_env(PREFIX=str(prefix), ENV_FILE=str(env_file)), what="README check block", steps=steps)
        status = json.loads(run([str(prefix / "bin" / "reintegrate"), "status", "--json"], cwd=site,
                                env=clean_env(**settings), what="status --json", steps=steps))
        if status["scheduler"]["alive"] != schedulers:
            raise CheckFailed(f"status shows {status['scheduler']['alive']} scheduler(s) alive, not {schedulers}")
    except CheckFailed as exc:
        logs = "\n".join(f"--- {p.name}\n{p.read_text()[-2000:]}" for p in sorted(site.glob("*.log")))
        raise CheckFailed(f"{exc}\n{logs}") from None
    finally:
        for proc in reversed(procs):
            stop(proc)
    web_log = (site / "web.log").read_text()
    if "Booting worker" not in web_log or "gthread" not in web_log:
        raise CheckFailed(f"the web service did not run gunicorn's threaded workers:\n{web_log[-2000:]}")
    return {"database": name, "case": case, "schedulers": schedulers, "steps": steps}


def _wait_schedulers(procs: list[subprocess.Popen], site: Path, count: int, seconds: float = 60) -> None:
    """Until every scheduler has made its first pass (its log says it is polling)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise CheckFailed(f"a scheduler exited with {proc.returncode}")
        logs = [(site / f"scheduler{n}.log").read_text() for n in range(1, count + 1)]
        if all("polling the timer table" in log for log in logs):
            return
        time.sleep(0.3)
    raise CheckFailed(f"the schedulers did not start polling within {seconds} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.wheel_check", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "all"), default="all")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="reintegrate-wheel-check-"))
    server = None
    try:
        wheel, prefix = build_wheel(work), work / "opt-reintegrate"
        # pip's settings by environment, so that the README's command runs as written: no byte-compiling
        # of every dependency up front (the services compile what they import), no version check.
        run(["bash", "-euo", "pipefail", "-c", readme_block("install")], cwd=work,
            env=clean_env(PREFIX=str(prefix), WHEEL=str(wheel), PIP_NO_COMPILE="1", PIP_DISABLE_PIP_VERSION_CHECK="1"),
            what=f"README install block ({wheel.name})")
        checks = {}
        if args.db in ("sqlite", "all"):
            checks["sqlite"] = f"sqlite:///{work / 'sqlite.sqlite3'}"
        if args.db in ("postgresql", "all"):
            from tests.postgres_server import PostgresServer

            server = PostgresServer().start()
            checks["postgresql"] = server.create_database("reintegrate")
        with ThreadPoolExecutor(max_workers=len(checks)) as pool:  # both databases at once: mostly waiting
            futures = [pool.submit(check_database, name, url, work, prefix) for name, url in checks.items()]
            results = [future.result() for future in futures]
    except CheckFailed as exc:
        print(f"wheel check FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    for r in results:
        print(f"{r['database']}:", *r["steps"], sep="\n")
    for r in results:
        print(f"ok: {r['database']}: case {r['case']['case_id']} {r['case']['status']} after "
              f"{len(r['case']['completed'])} tasks; {r['schedulers']} scheduler(s) polled")
    print(f"wheel check passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
