"""Copy the browser assets the web app serves from node_modules into the `web` package
(`web/static/vendor/<package>/`), so that the wheel carries them: `python -m scripts.vendor_assets`.

Run after `npm ci` and before building the wheel (`make assets` does both). Only the files listed in
`web.assets.SOURCES` are copied, with each package's licence; axe-core stays in node_modules, as only
the browser tests use it. The target folder is generated (git ignores it) and rebuilt from scratch.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from web.assets import NODE, SOURCES, VENDORED

LICENCES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "LICENCE.txt")


def _package_root(source: Path, node: Path) -> Path:
    """The npm package folder that holds `source` (the first folder up with a package.json)."""
    for folder in (source, *source.parents):
        if (folder / "package.json").is_file() or folder == node:
            return folder
    return source


def _licence(root: Path, dest: Path) -> None:
    """The package's licence file, or (when it ships none) the licence its package.json names."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in LICENCES:
        if (root / name).is_file():
            shutil.copy2(root / name, dest / "LICENSE")
            return
    if (root / "package.json").is_file():
        meta = json.loads((root / "package.json").read_text())
        (dest / "LICENSE").write_text(f"{meta.get('name')} {meta.get('version')}: licence {meta.get('license')} "
                                      f"(from its package.json; the package ships no licence file)\n")


def vendor(node: Path = NODE, target: Path = VENDORED) -> int:
    """Copy every listed file; returns how many. Raises FileNotFoundError naming what is missing."""
    missing, copied = [], 0
    staging = target.with_name(target.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    for package, (folder, patterns) in SOURCES.items():
        source = node / folder
        for pattern in patterns:
            files = sorted(p for p in source.glob(pattern) if p.is_file())
            if not files:
                missing.append(f"{folder}/{pattern}")
            for path in files:
                dest = staging / package / path.relative_to(source)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest)
                copied += 1
        _licence(_package_root(source, node), staging / package)
    if missing:
        shutil.rmtree(staging, ignore_errors=True)
        raise FileNotFoundError(f"not in {node} (run `npm ci`): {', '.join(missing)}")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.vendor_assets", description=__doc__.splitlines()[0])
    parser.add_argument("--node-modules", type=Path, default=NODE)
    args = parser.parse_args(argv)
    try:
        count = vendor(args.node_modules)
    except FileNotFoundError as exc:
        print(f"vendor_assets: {exc}", file=sys.stderr)
        return 1
    print(f"copied {count} files into {VENDORED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
