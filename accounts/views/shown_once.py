"""A secret (a new API key, a set-password link) shown once, after the POST that made it: post/redirect/get.

The POST keeps the secret in the session for the page it redirects to; that page's next GET takes it out and shows
it (served `never_cache`). A reload shows it no more, and re-sends no POST, so nothing is made twice.

Not `django.contrib.messages`, which does the same for notices: its default storage keeps them in a cookie that is
signed, not encrypted, so the secret would travel readable to and from the browser. Taking the secret out is the one
write that GET makes (to the session, as reading a message does), so it can be shown only once.
"""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponseRedirect

SESSION_KEY = "accounts_shown_once"
# A secret its page did not fetch soon after the redirect is dropped rather than kept in the session.
MAX_AGE_SECONDS = 300


def redirect_showing_once(request: HttpRequest, *, page: str, **values: str) -> HttpResponseRedirect:
    """Keeps `values` for the next GET of `page` (a path) and redirects there (303: the browser GETs it)."""
    request.session[SESSION_KEY] = {"page": page, "at": time.time(), "values": values}
    return HttpResponseRedirect(page, status=303)


def take_shown_once(request: HttpRequest, *, page: str) -> dict[str, str] | None:
    """What a POST kept for this GET of `page`, once; None on any later request."""
    if request.method != "GET" or SESSION_KEY not in request.session:
        return None
    kept = request.session.pop(SESSION_KEY)
    if kept.get("page") != page or time.time() - kept.get("at", 0) > MAX_AGE_SECONDS:
        return None
    return kept["values"]
