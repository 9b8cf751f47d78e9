"""Log lines as JSON, one object per line, with nothing personal in them.

`configure(json_lines=True)` makes every log record a JSON object (`ts`, `level`, `logger`, `message`,
and the record's `fields` when a caller passes `extra={"fields": {...}}`), which log collectors read
without parsing. Whatever the format, email addresses are replaced by `<address>`, and an exception is
logged by its type and its stack, not its message: a message may quote a form's values (a pupil's
name), and logs name cases by id, never people.
"""
from __future__ import annotations

import json
import logging
import re
import traceback
from datetime import UTC, datetime

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def scrub(text: str) -> str:
    """`text` with email addresses replaced by `<address>`."""
    return EMAIL.sub("<address>", text)


def exception_summary(exc_info) -> str:
    """The stack of an exception and its type, without its message."""
    exc_type, _exc, tb = exc_info
    frames = "".join(traceback.format_list(traceback.extract_tb(tb)))
    return f"Traceback (most recent call last):\n{frames}{exc_type.__module__}.{exc_type.__qualname__}"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
               "level": record.levelname.lower(), "logger": record.name, "message": scrub(record.getMessage())}
        out.update(getattr(record, "fields", None) or {})
        if record.exc_info and record.exc_info[0] is not None:
            out["exception"] = exception_summary(record.exc_info)
        return json.dumps(out, default=str)


class TextFormatter(logging.Formatter):
    """The plain format of development, with the same scrubbing."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = scrub(logging.Formatter.format(self, _without_exception(record)))
        if record.exc_info and record.exc_info[0] is not None:
            line += "\n" + exception_summary(record.exc_info)
        return line


def _without_exception(record: logging.LogRecord) -> logging.LogRecord:
    copy = logging.makeLogRecord(record.__dict__)
    copy.exc_info, copy.exc_text = None, None
    return copy


def configure(json_lines: bool, level: int = logging.WARNING) -> None:
    """Our handler on stderr for the root logger, JSON lines or plain text, both scrubbed; called again,
    it changes that handler's format and the level (other handlers, a test's say, are left alone)."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "reintegrate", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.reintegrate = True
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter())
    root.setLevel(level)
