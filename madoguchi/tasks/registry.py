"""Task names and the functions that run them: `@task("exports.daily_csv")` on a plain function.

A task function is `def f(task: TaskContext, **kwargs) -> result` where the keyword arguments and the
result are JSON. Apps define their tasks in `<app>/tasks.py`; `TasksConfig.ready` imports those modules.
This module imports no model, so that any module may import it at load time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    TaskFunction = Callable[..., Any]  # (TaskContext, **kwargs) -> JSON

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")

F = TypeVar("F", bound="Callable[..., Any]")

_registry: dict[str, Callable[..., Any]] = {}


class UnknownTask(LookupError):
    """No function is registered under the name."""

    def __init__(self, name: str) -> None:
        known = ", ".join(sorted(_registry)) or "none"
        super().__init__(
            f"no task is registered as {name!r} (known tasks: {known}); "
            "define it with @task(name) in an installed app's tasks.py"
        )
        self.name = name


def task(name: str) -> Callable[[F], F]:
    """Register the decorated function as the task `name` ("app.verb" in lower case, dot-separated)."""
    if not NAME_PATTERN.fullmatch(name):
        raise ImproperlyConfigured(
            f"task name {name!r} must look like 'app.verb' (lower case, dot-separated)"
        )

    def register(function: F) -> F:
        existing = _registry.get(name)
        if existing is not None and _qualified(existing) != _qualified(function):
            raise ImproperlyConfigured(
                f"task {name!r} is registered twice: {_qualified(existing)} and {_qualified(function)}"
            )
        _registry[name] = function
        return function

    return register


def _qualified(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def lookup(name: str) -> TaskFunction:
    try:
        return _registry[name]
    except KeyError:
        raise UnknownTask(name) from None


def registered_names() -> frozenset[str]:
    return frozenset(_registry)


# Periodic jobs: plain functions every worker loop runs when they are due (the audit sealer). They must be
# safe to run in several processes at once (the sealer skips when another one holds its lock).
_periodic: dict[str, tuple[Callable[[], float], Callable[[], object]]] = {}


def periodic(name: str, *, every: Callable[[], float]) -> Callable[[F], F]:
    """Run the decorated function from the worker loops about every `every()` seconds."""

    def register(function: F) -> F:
        _periodic[name] = (every, function)
        return function

    return register


def periodic_jobs() -> dict[str, tuple[Callable[[], float], Callable[[], object]]]:
    return dict(_periodic)
