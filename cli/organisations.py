"""`reintegrate org ...`: the organisations register from the command line (parse, call engine, print)."""
from __future__ import annotations

import sys
from pathlib import Path

from engine import organisations as orgs
from engine.organisations_csv import RegisterFileError
from engine.party_links import resolve
from engine.wiring import Runtime as App

from .commands import UsageError
from .output import emit


def register(top, sub) -> None:
    """Add the `org` commands to the parser; `sub` is cli.main's subcommand helper."""
    org = top.add_parser("org", help="the organisations register").add_subparsers(dest="sub", required=True)
    sub(org, "import", org_import, "add and update entries from a CSV file (id,name,kind,authority,urn)"
        ).add_argument("file")
    sub(org, "list", org_list, "every entry").add_argument("--kind", choices=orgs.KINDS)
    sub(org, "export", org_export, "the register as CSV, in the import format")
    p = sub(org, "add", org_add, "add one entry")
    p.add_argument("name")
    p.add_argument("--kind", required=True, choices=orgs.KINDS)
    p.add_argument("--authority", help="the local authority it belongs to: id or exact name")
    p.add_argument("--urn", help="its DfE URN, where it has one")
    p.add_argument("--id", dest="org_id", help="a stable id (default: made from the name)")
    sub(org, "unmatched", org_unmatched, "case parties and accounts that name no entry, with the closest entries")
    p = sub(org, "resolve", org_resolve, "point every case party and account that names VALUE at an entry")
    p.add_argument("value", help="the organisation as the cases and accounts spell it")
    p.add_argument("--to", required=True, help="the register entry: id or exact name")
    p.add_argument("--field", choices=tuple(orgs.PARTY_FIELDS), help="only this party field of the cases")
    p.add_argument("--as", dest="actor", help="the admin resolving it (default: the command line's system actor)")


def org_import(app: App, args) -> int:
    try:
        with app.engine() as eng:
            counts = eng.import_organisations_file(Path(args.file))
    except RegisterFileError as exc:
        for line in str(exc).splitlines():
            print(line, file=sys.stderr)
        return 1
    emit({"file": args.file, **counts}, args.json,
         f"{args.file}: {counts['added']} added, {counts['updated']} updated, {counts['unchanged']} unchanged")
    return 0


def org_list(app: App, args) -> int:
    with app.engine() as eng:
        rows = eng.reads.organisations(args.kind)
    width = max((len(r["id"]) for r in rows), default=2)
    text = "\n".join(f"{r['id']:<{width}}  {r['name']}  ({orgs.KIND_LABELS[r['kind']]}"
                     + (f", {r['authority_name']}" if r["authority_name"] else "")
                     + (f", URN {r['urn']}" if r["urn"] else "") + ")" for r in rows) or "the register is empty"
    emit(rows, args.json, text)
    return 0


def org_export(app: App, args) -> int:
    with app.engine() as eng:
        sys.stdout.write(eng.reads.organisations_csv())
    return 0


def org_add(app: App, args) -> int:
    with app.engine() as eng:
        try:
            org = eng.add_organisation(args.name, args.kind, authority=args.authority, urn=args.urn,
                                       org_id=args.org_id)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        result = org.to_json()
    emit(result, args.json, f"added {result['id']}: {result['name']} ({orgs.KIND_LABELS[result['kind']]})")
    return 0


def org_unmatched(app: App, args) -> int:
    with app.engine() as eng:
        found = eng.reads.unmatched()
    lines = [f"{g['field']} {g['value']!r}: {g['cases']} case(s) ({', '.join(g['case_ids'])})"
             + (f"; closest: {', '.join(g['suggestions'])}" if g["suggestions"] else "") for g in found["case_parties"]]
    lines += [f"account {a['name']} ({a['role']}) {a['org']!r}"
              + (f"; closest: {', '.join(a['suggestions'])}" if a["suggestions"] else "") for a in found["accounts"]]
    emit(found, args.json, "\n".join(lines) or "every case party and account points at a register entry")
    return 0


def org_resolve(app: App, args) -> int:
    with app.engine() as eng:
        try:
            result = resolve(eng, args.value, args.to, args.actor or "system", args.field)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    emit(result, args.json, f"{args.value!r} -> {result['entry']['name']}: {len(result['cases'])} case(s), "
                            f"{len(result['accounts'])} account(s)")
    return 0
