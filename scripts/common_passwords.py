"""Write engine/data/common_passwords.txt from the list that Django ships (BSD licence), most common first.

Django's `django/contrib/auth/common-passwords.txt.gz` holds about 20,000 passwords from breach corpora,
in order of frequency. Kept: the 4,000 most common of 4 characters or more (lower-cased), which
engine.passwords also matches as the core of a longer password (`password1234` is `password` plus
digits), and every entry of 12 characters or more. Run with the path of a Django wheel:

    pip download --no-deps django -d /tmp/django && python scripts/common_passwords.py /tmp/django/*.whl
"""
from __future__ import annotations

import gzip
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "engine" / "data" / "common_passwords.txt"
MOST_COMMON = 4000


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as z:
        words = gzip.decompress(z.read("django/contrib/auth/common-passwords.txt.gz")).decode().split()
    kept: dict[str, None] = {}
    for word in (w.lower() for w in words if len(w) >= 4):
        if len(kept) < MOST_COMMON or len(word) >= 12:
            kept.setdefault(word)
    OUT.write_text("\n".join(kept) + "\n")
    print(f"{len(kept)} passwords written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
