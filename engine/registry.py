"""The handler registry: what a service plugs into the engine. Service-task topics and per-task validators,
registered by name, and the other extension points (`engine.extensions`)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from .extensions import Extensions

Handler = Callable[..., "dict[str, Any] | None"]
Validator = Callable[..., "dict[str, str]"]


def topic(name: str) -> Callable[[Handler], Handler]:
    """Mark a function as the handler of service-task topic `name`."""

    def mark(fn: Handler) -> Handler:
        fn.__topic__ = name  # type: ignore[attr-defined]
        return fn

    return mark


def validates(task_id: str) -> Callable[[Validator], Validator]:
    """Mark a function as a cross-field validator of user task `task_id`'s submitted data."""

    def mark(fn: Validator) -> Validator:
        fn.__validates__ = task_id  # type: ignore[attr-defined]
        return fn

    return mark


class DuplicateHandler(ValueError):
    """Two handlers claim the same topic."""


class HandlerRegistry:
    """Maps topics to handlers and task ids to validators. Built by the caller, passed in."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._validators: dict[str, list[Validator]] = {}
        self.extensions = Extensions()

    def add(self, name: str, fn: Handler) -> None:
        if name in self._handlers:
            existing = self._handlers[name]
            raise DuplicateHandler(
                f"topic {name!r} is registered twice: {existing.__module__}.{existing.__name__} "
                f"and {fn.__module__}.{fn.__name__}"
            )
        self._handlers[name] = fn

    def add_validator(self, task_id: str, fn: Validator) -> None:
        self._validators.setdefault(task_id, []).append(fn)

    def add_modules(self, modules: Iterable[ModuleType]) -> HandlerRegistry:
        """Register every marked function found in `modules`."""
        for module in modules:
            for value in vars(module).values():
                if callable(value) and getattr(value, "__module__", None) == module.__name__:
                    if hasattr(value, "__topic__"):
                        self.add(value.__topic__, value)
                    if hasattr(value, "__validates__"):
                        self.add_validator(value.__validates__, value)
        return self

    def handler(self, name: str) -> Handler:
        try:
            return self._handlers[name]
        except KeyError:
            raise KeyError(f"no handler is registered for topic {name!r}") from None

    def validators(self, task_id: str) -> list[Validator]:
        return self._validators.get(task_id, [])

    def __contains__(self, name: object) -> bool:
        return name in self._handlers

    @property
    def topics(self) -> list[str]:
        return sorted(self._handlers)
