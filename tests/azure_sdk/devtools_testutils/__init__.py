"""A stand-in for the live, non-recording path of `devtools_testutils`, the Azure SDK repository's test harness
(not published on PyPI), with just what the copied azure-ai-textanalytics tests import.

Live mode only: there is no test proxy, nothing is recorded or played back, and each preparer's values come from
the environment (`PowerShellPreparer("textanalytics", textanalytics_test_endpoint=...)` reads
`TEXTANALYTICS_TEST_ENDPOINT`), as the real harness does in live mode; `tests/azure_sdk/conftest.py` sets them to a
studio the test run starts. Async tests run to completion on their own event loop, so pytest sees plain
functions and no asyncio plugin is needed.
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import Callable
from typing import Any

__all__ = [
    "AzureMgmtPreparer",
    "AzureRecordedTestCase",
    "PowerShellPreparer",
    "call_trimmed",
    "recorded_by_proxy",
    "set_bodiless_matcher",
]

# What every wrapper shows pytest: no fixtures to inject (the preparers supply the arguments).
_WRAPPER_SIGNATURE = inspect.Signature(
    [
        inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD),
    ]
)


def call_trimmed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Calls `fn` with the keyword arguments it accepts (the harness's `trim_kwargs_from_test_function`); a
    coroutine it returns is run to completion."""
    parameters = inspect.signature(fn).parameters.values()
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        names = {p.name for p in parameters}
        kwargs = {k: v for k, v in kwargs.items() if k in names}
    result = fn(*args, **kwargs)
    if inspect.iscoroutine(result):
        return asyncio.run(result)
    return result


def as_test(wrapper: Callable[..., Any], fn: Callable[..., Any]) -> Callable[..., Any]:
    """`wrapper` named as `fn`, keeping the pytest marks applied under the decorator."""
    for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(wrapper, attribute, getattr(fn, attribute))
    if hasattr(fn, "pytestmark"):
        wrapper.pytestmark = list(fn.pytestmark)
    wrapper.__signature__ = _WRAPPER_SIGNATURE
    return wrapper


def recorded_by_proxy(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Live mode: calls the test as it is."""

    def record_wrap(*args: Any, **kwargs: Any) -> Any:
        return call_trimmed(fn, *args, **kwargs)

    return as_test(record_wrap, fn)


def set_bodiless_matcher(**_: Any) -> None:
    """Only the test proxy matches recordings; nothing to do live."""


class AzureRecordedTestCase:
    """The base of the SDK's test classes; always live here."""

    @property
    def is_live(self) -> bool:
        return True

    @property
    def is_playback(self) -> bool:
        return False


class AzureMgmtPreparer:
    """Creates a resource before the test and passes what `create_resource` returns as keyword arguments."""

    def __init__(self, name_prefix: str = "", random_name_length: int = 24, **kwargs: Any) -> None:
        self.name_prefix = name_prefix
        self.random_name_length = random_name_length

    def create_resource(self, name: str, **kwargs: Any) -> dict[str, Any]:
        return {}

    def remove_resource(self, name: str, **kwargs: Any) -> None:
        return None

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def prepared(test_case: Any, **kwargs: Any) -> Any:
            name = self.name_prefix + fn.__name__
            kwargs.update(self.create_resource(name, **kwargs) or {})
            try:
                return call_trimmed(fn, test_case, **kwargs)
            finally:
                self.remove_resource(name, **kwargs)

        return as_test(prepared, fn)


class PowerShellPreparer(AzureMgmtPreparer):
    """Live mode: each keyword's value is the environment variable of that name in upper case (its default is
    the recordings' fake value, never used live)."""

    def __init__(self, directory: str, name_prefix: str = "", **kwargs: Any) -> None:
        super().__init__(name_prefix)
        self.directory = directory
        self.names = list(kwargs)

    def create_resource(self, name: str, **kwargs: Any) -> dict[str, Any]:
        missing = [n.upper() for n in self.names if n.upper() not in os.environ]
        if missing:
            raise RuntimeError(f"Live tests of {self.directory!r} need the environment variables {missing}.")
        return {n: os.environ[n.upper()] for n in self.names}
