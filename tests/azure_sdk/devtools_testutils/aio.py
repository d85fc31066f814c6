"""`devtools_testutils.aio`: the async test decorator of the live stand-in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devtools_testutils import as_test, call_trimmed

__all__ = ["recorded_by_proxy_async"]


def recorded_by_proxy_async(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Live mode: runs the async test to completion on its own event loop."""

    def record_wrap_async(*args: Any, **kwargs: Any) -> Any:
        return call_trimmed(fn, *args, **kwargs)

    return as_test(record_wrap_async, fn)
