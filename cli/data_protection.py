"""Data protection commands: `case export` (a subject access request) and `retention apply`."""
from __future__ import annotations

from pathlib import Path

from engine.retention import apply_retention

from .commands import UsageError, reader
from .output import emit


def register(top, case, sub) -> None:
    """Add `case export` to the `case` commands and `retention apply` to the top level."""
    p = sub(case, "export", case_export, "everything held about the case's pupil, as one zip (HTML and JSON)")
    p.add_argument("case")
    p.add_argument("--out", default=".", help="directory to write the archive to (default: here)")
    p.add_argument("--as", dest="actor", help="who is exporting (written to the access log; default: your login)")
    retention = top.add_parser("retention", help="erase closed cases' personal data past the policy's time")
    p = sub(retention.add_subparsers(dest="sub", required=True), "apply", retention_apply,
            "redact closed cases kept longer than the policy's [retention] years")
    p.add_argument("--dry-run", action="store_true", help="list the cases due, change nothing")
    p.add_argument("--as", dest="actor", help="an admin or data protection officer (default: system)")


def case_export(app, args) -> int:
    from engine.subject_access import export_archive

    out = Path(args.out)
    if not out.is_dir():
        raise UsageError(f"--out {args.out}: " + ("not a directory" if out.exists() else "no such directory; create it first"))
    with app.engine() as eng:
        name, content, summary = export_archive(eng, args.case, reader(args))
    path = out / name
    path.write_bytes(content)
    emit({**summary, "archive": str(path)}, args.json,
         f"{path}: {summary['cases']} case(s) of {summary['pupil']}, {summary['events']} events, "
         f"{summary['messages']} message(s), {summary['reads']} access-log line(s)")
    return 0


def retention_apply(app, args) -> int:
    results = apply_retention(app.engine, args.actor or "system", dry_run=args.dry_run)
    verb = "would redact" if args.dry_run else "redacted"
    emit(results, args.json, "\n".join(f"{r['case_id']} ({r['process']}, closed {r['closed_at'][:10]}): {verb}"
                                       for r in results) or "no closed case is past its retention")
    return 0
