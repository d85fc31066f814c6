"""The naming rule of entity types that is not a limit: names are unique regardless of case.

"Party" and "party" would be two types to the database and the model but one to a person reading the
schema, a label's tag or an Azure project file, so a project never holds both. The rule and its message
live here, pure, for the format readers and the services alike; the database backs it with a unique index
on `Lower(name)` per project (annotation migration 0005).
"""

from __future__ import annotations

from collections.abc import Iterable


def name_key(name: str) -> str:
    """Two entity type names are the same name when their keys are equal."""
    return name.casefold()


def case_clash_message(name: str, existing: str, *, what: str = "Entity type", other: str = "the entity type") -> str:
    """Names both spellings, e.g. "Label category 'party' differs only in case from the entity type 'Party'"."""
    return (
        f"{what} '{name}' differs only in case from {other} '{existing}'; "
        "entity type names are unique regardless of case."
    )


def find_case_clash(name: str, existing: Iterable[str]) -> str | None:
    """The existing name that `name` differs from only in case (an exact repeat is not a clash), else None."""
    key = name_key(name)
    return next((other for other in existing if other != name and name_key(other) == key), None)


def find_case_clashes(names: Iterable[str], existing: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Pairs `(name, earlier)`: each name differing only in case from an existing name or an earlier one.

    Exact repeats are left to the caller (a repeated name is a duplicate, not a clash of spellings).
    """
    seen: dict[str, str] = {}
    for other in existing:
        seen.setdefault(name_key(other), other)
    clashes: list[tuple[str, str]] = []
    for name in names:
        earlier = seen.setdefault(name_key(name), name)
        if earlier != name and (name, earlier) not in clashes:
            clashes.append((name, earlier))
    return clashes
