"""Numbers, durations and colors formatted once, so templates only place them."""

from __future__ import annotations

# An entity type's chip color when the type has none (deleted since the model was trained).
DEFAULT_COLOR = "#8a94a3"


def percent(value: float | None) -> str:
    """0.8734 -> "87.3%"; None -> "—"."""
    return "—" if value is None else f"{100 * value:.1f}%"


def number(value: float | None) -> str:
    """Counts as integers, fractional raw values (Azure weights some) with two decimals."""
    if value is None:
        return "—"
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def duration(seconds: float | None) -> str:
    """12.4 -> "12 s"; 185 -> "3 min 5 s"; 7260 -> "2 h 1 min"."""
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
