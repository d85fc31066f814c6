import pytest

from annotation.offsets import OffsetMap, utf16_len


@pytest.mark.parametrize(
    "text",
    ["plain ascii", "café naïve", "😀 Ana", "a😀b😀😀c", "👩‍👩‍👧 family", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "", "🎉"],
)
def test_round_trip_every_offset(text):
    offsets = OffsetMap(text)
    assert offsets.utf16_length == utf16_len(text)
    units = text.encode("utf-16-le")
    for cp in range(len(text) + 1):
        unit = offsets.to_utf16(cp)
        assert units[: unit * 2].decode("utf-16-le") == text[:cp]
        assert offsets.from_utf16(unit) == cp


def test_offset_inside_surrogate_pair_is_refused():
    offsets = OffsetMap("a😀b")
    assert offsets.from_utf16(1) == 1
    with pytest.raises(ValueError, match="surrogate pair"):
        offsets.from_utf16(2)
    assert offsets.from_utf16(3) == 2


def test_long_text_with_emoji_at_the_end():
    text = "x" * 100_000 + "😀y"
    offsets = OffsetMap(text)
    assert offsets.to_utf16(100_001) == 100_002
    assert offsets.from_utf16(100_002) == 100_001
