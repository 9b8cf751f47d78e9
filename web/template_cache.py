"""Compiled templates shared by every app made in one process: Jinja compiles a template once per
process instead of once per app (`create_app`). A server makes one app, so this changes nothing there;
the tests make an app per test and would otherwise compile every page's templates again each time.

An entry is keyed by the template's name and file and checked against a hash of its source (Jinja's
`BytecodeCache`), so an edited template is compiled again. Every app sets the same environment options
(`create_app`), which the compiled code depends on."""
from __future__ import annotations

import threading

from jinja2.bccache import Bucket, BytecodeCache


class ProcessBytecodeCache(BytecodeCache):
    """Jinja bytecode kept in this process's memory, shared by every environment that uses it."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        code = bucket.bytecode_to_string()
        with self._lock:
            self._code[bucket.key] = code

    def clear(self) -> None:
        with self._lock:
            self._code.clear()


SHARED = ProcessBytecodeCache()
