"""Word snapping grows a selection to the model's tokens; the same cases run in the page (tests/e2e)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotation.snapping import snap, snap_units
from studio.tokenization import tokenize

CASES = json.loads((Path(__file__).parent / "snap_cases.json").read_text(encoding="utf-8"))["cases"]


def selection(case: dict) -> tuple[int, int]:
    start = case["text"].index(case["select"])
    return start, start + len(case["select"])


@pytest.mark.parametrize("case", CASES, ids=[c["select"] for c in CASES])
def test_shared_snapping_cases(case):
    text, expected = case["text"], case["expected"]
    snapped = snap(snap_units(text), *selection(case))
    if expected is None:
        assert snapped is None
    else:
        assert text.count(expected) == 1, "a case's expected text must occur once"
        start = text.index(expected)
        assert snapped == (start, start + len(expected)), text[snapped[0] : snapped[1]] if snapped else None


def test_units_are_the_tokens_the_model_trains_on():
    text = "Soylent Foods S.A. and Globex Industries Ltd. paid (Hooli Inc.), 5 😀 days."
    units = snap_units(text)
    assert [(u.start, u.end) for u in units] == [(t.start, t.end) for t in tokenize(text)]
    assert [text[u.start : u.end] for u in units if not u.word] == ["(", ")", ",", "."]


def test_unspaced_scripts_come_one_character_at_a_time_with_their_marks():
    def units(text: str) -> list[str]:
        return [text[u.start : u.end] for u in snap_units(text)]

    assert units("東京Tower 本社") == ["東", "京", "Tower", "本", "社"]
    assert units("กินข้าว") == ["กิ", "น", "ข้", "า", "ว"]  # Thai: "ิ" and "้" are combining marks


def test_a_selection_of_spaces_or_of_nothing_snaps_to_nothing():
    units = snap_units("a  b")
    assert snap(units, 1, 3) is None
    assert snap([], 0, 1) is None
