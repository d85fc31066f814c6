"""Request bodies are capped per endpoint and refused (413) from their Content-Length before anything reads them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from studio import limits
from studio.api import error_page


def request_bytes_max(limit: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Lets a function view take bodies of up to `limit` bytes (`RequestSizeMiddleware`); class views set a
    `request_bytes_max` attribute instead."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        view.request_bytes_max = limit
        return view

    return decorate


def request_length(request: HttpRequest) -> int:
    """The body's declared length; Django reads no body without a valid one, so it is 0 then."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class RequestSizeMiddleware:
    """Refuses (413) a body longer than its view accepts (`limits.REQUEST_BYTES_MAX` unless the view says more),
    from its Content-Length: before the CSRF check, a form or a parser reads a byte of it (so it stands before
    `CsrfViewMiddleware`, which reads a form's body)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
        limit = getattr(view_func, "request_bytes_max", None) or getattr(view_class, "request_bytes_max", None)
        limit = limit or limits.REQUEST_BYTES_MAX
        length = request_length(request)
        if length > limit:
            return error_page(request, limits.request_too_large(length, limit))
        return None
