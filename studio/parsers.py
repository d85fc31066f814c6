"""Request parsers (kept apart from `studio.api`: DRF imports them while loading its own views)."""

from __future__ import annotations

import re
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# JSON lets a string escape half of a UTF-16 surrogate pair ("\ud800"); no UTF-8 text can hold one, so the
# database and every response would fail on it. It also lets a string hold NUL ("\u0000"), which PostgreSQL's text
# and jsonb cannot store: refused on every database alike, so SQLite and PostgreSQL answer the same.
_NOT_TEXT = re.compile("[\ud800-\udfff\x00]")


def refuse_non_text(data: Any) -> Any:
    """Returns `data` (parsed JSON) unchanged, or raises `ParseError` naming a string, key or value, that holds a
    lone UTF-16 surrogate or a NUL character."""
    pending: list[tuple[Any, str]] = [(data, "")]
    while pending:
        value, where = pending.pop()
        if isinstance(value, str):
            found = _NOT_TEXT.search(value)
            if found:
                where = _NOT_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", where)  # the message is text
                if found.group() == "\x00":
                    raise ParseError(
                        f"the string at '{where or '$'}' holds a NUL character (\\u0000), which the studio does "
                        "not store; remove it."
                    )
                raise ParseError(
                    f"the string at '{where or '$'}' holds a lone UTF-16 surrogate (such as \\ud800), which is "
                    "not text; send each surrogate with its pair, or the character itself."
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                path = f"{where}.{key}" if where else str(key)
                pending += [(item, path), (key, path)]
        elif isinstance(value, list):
            pending += [(item, f"{where}[{index}]") for index, item in enumerate(value)]
    return data


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing strings that hold lone surrogates or NUL (a 400, not a 500 when stored)."""

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body nests arrays or objects too deeply.") from None
        return refuse_non_text(data)


class MergePatchJSONParser(JSONParser):
    """Azure's PATCH sends `application/merge-patch+json`."""

    media_type = "application/merge-patch+json"
