"""Tokens and sentences keep exact code-point offsets."""

from __future__ import annotations

import pytest

from studio.tokenization import Token, segment, tokenize, word_shape


def words(text: str) -> list[str]:
    return [text[t.start : t.end] for t in tokenize(text)]


def test_conll_style_text_comes_back_unchanged():
    text = "@paulwalk It 's the view . Empire State Building = ESB . U.S. P.O.P do n't http://bit.ly/bgC #photo"
    assert words(text) == text.split()


def test_free_text_splits_punctuation_and_clitics():
    text = "Hello, world! It's \"quoted\" (J. Smith, Inc.) don't... end."
    assert words(text) == [
        "Hello", ",", "world", "!", "It", "'s", '"', "quoted", '"', "(", "J.", "Smith", ",", "Inc.", ")",
        "do", "n't", "...", "end", ".",
    ]  # fmt: skip


def test_an_abbreviation_that_ends_a_sentence_keeps_its_period():
    assert words("by Northstar Finance K.K.. Please sign, Acme Ltd.. wait.. etc...") == [
        "by", "Northstar", "Finance", "K.K.", ".", "Please", "sign", ",", "Acme", "Ltd.", ".", "wait", "..",
        "etc", "...",
    ]  # fmt: skip


def test_web_tokens_and_html_entities_stay_whole():
    assert words("see http://x.com/a?b=1. @bob: #tag!! &amp; x") == [
        "see", "http://x.com/a?b=1", ".", "@bob", ":", "#tag", "!!", "&amp;", "x",
    ]  # fmt: skip


def test_emoji_are_tokens_of_their_own_and_offsets_are_code_points():
    text = "great🔥🔥 👍🏽 👨‍👩‍👧 🇩🇪 :)"
    tokens = tokenize(text)
    assert words(text) == ["great", "🔥", "🔥", "👍🏽", "👨‍👩‍👧", "🇩🇪", ":)"]
    assert tokens[1] == Token(5, 6)  # one code point, although two UTF-16 units


def test_zero_width_separators_are_not_tokens():
    text = "a\u200bb\ufeff c"
    assert words(text) == ["a", "b", "c"]


def test_every_non_space_character_is_in_exactly_one_token():
    text = "«Weird» ¿qué? ‘x’ — 3.5% $5,000.00 ... 😀😀 end"
    covered = [i for t in tokenize(text) for i in range(t.start, t.end)]
    assert covered == [i for i, ch in enumerate(text) if not ch.isspace()]


def ranges_text(text: str, pieces: list[range]) -> list[str]:
    tokens = tokenize(text)
    return [" ".join(text[tokens[i].start : tokens[i].end] for i in r) for r in pieces]


def test_newlines_always_split():
    text = "one two\nthree\r\n\nfour"
    pieces = segment(text, tokenize(text), max_tokens=100, split_lines_over=100)
    assert ranges_text(text, pieces) == ["one two", "three", "four"]


def test_long_lines_split_after_sentence_punctuation_only():
    text = "First one . Second one ! third stays . U.S. Army wins ."
    short = segment(text, tokenize(text), max_tokens=100, split_lines_over=100)
    assert len(short) == 1
    pieces = segment(text, tokenize(text), max_tokens=100, split_lines_over=3)
    assert ranges_text(text, pieces) == ["First one .", "Second one ! third stays .", "U.S. Army wins ."]


def test_long_sentences_are_chunked_but_never_before_a_protected_token():
    text = " ".join(f"w{i}" for i in range(10))
    tokens = tokenize(text)
    assert segment(text, tokens, max_tokens=4, split_lines_over=100) == [range(0, 4), range(4, 8), range(8, 10)]
    # Tokens 3-5 form one label: no cut before 4 or 5, so the first chunk ends before 3.
    pieces = segment(text, tokens, max_tokens=4, split_lines_over=100, no_cut_before=frozenset({4, 5}))
    assert pieces == [range(0, 3), range(3, 7), range(7, 10)]


@pytest.mark.parametrize("no_cut", [frozenset(range(1, 10))])
def test_a_label_longer_than_the_limit_stays_whole(no_cut):
    text = " ".join(f"w{i}" for i in range(10))
    assert segment(text, tokenize(text), max_tokens=4, split_lines_over=100, no_cut_before=no_cut) == [range(0, 10)]


@pytest.mark.parametrize(
    ("token", "shape"),
    [
        ("Apple", "Xx"),
        ("apple", "x"),
        ("APPLE", "X"),
        ("iPhone", "xXx"),
        ("U.S.", "X.X."),
        ("McDonald's", "XxXx'x"),
        ("@paulwalk", "@x"),
        ("#Photo", "#Xx"),
        ("2010", "d"),
        ("$5,000.00", "$d,d.d"),
        ("http://bit.ly/x", "url"),
        ("😀", "e"),
        ("東京", "a"),
    ],
)
def test_word_shapes(token, shape):
    assert word_shape(token) == shape
