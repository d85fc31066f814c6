import re

import pytest

from annotation.formats import DocumentData, FormatProblems
from annotation.formats.conll import read_conll, write_conll
from annotation.formats.jsonl import read_jsonl
from annotation.formats.marked import sample_documents
from annotation.spans import Span

EMOJI_TEXT = "I ❤️ 🍕 at Pizza Hut"


def conll(*sentences: str) -> str:
    """Sentences given as "token/TAG token/TAG ..." (or a -DOCSTART- line), one token a line."""
    blocks = []
    for sentence in sentences:
        if sentence.startswith("-DOCSTART-"):
            blocks.append(sentence + "\n")
        else:
            blocks.append("".join(" ".join(pair.rsplit("/", 1)) + "\n" for pair in sentence.split()))
    return "\n".join(blocks)


def labelled(doc: DocumentData) -> list[tuple[str, str]]:
    return [(doc.text[s.start : s.end], s.category) for s in doc.labels]


def problems_of(data: str, **kwargs) -> list[tuple[str, str]]:
    with pytest.raises(FormatProblems) as caught:
        read_conll(data, **kwargs)
    assert all("target" in d for d in caught.value.details)
    return [(d["target"], d["message"]) for d in caught.value.details]


# Reading


def test_reads_bio_sentences_into_one_document():
    data = conll("Ada/B-PER Lovelace/I-PER wrote/O ./O", "She/O lived/O in/O London/B-LOC")
    [doc] = read_conll(data, scheme="bio")
    assert doc.location == "upload-00001.txt"
    assert doc.text == "Ada Lovelace wrote .\nShe lived in London"
    assert doc.labels == [Span(0, 12, "PER"), Span(34, 40, "LOC")]
    assert (doc.dataset, doc.language) == ("", "")


def test_docstart_separates_documents_and_empty_ones_are_skipped():
    data = (
        conll("Paris/B-LOC", "-DOCSTART- -X- -X- O", "Rome/B-LOC is/O", "big/O", "-DOCSTART- -X- -X- O")
        + "\n\n-DOCSTART- O\n\nBerlin B-LOC\n"
    )
    docs = read_conll(data, name="cities.conll.txt")
    assert [d.location for d in docs] == ["cities-00001.txt", "cities-00002.txt", "cities-00003.txt"]
    assert [d.text for d in docs] == ["Paris", "Rome is\nbig", "Berlin"]
    assert [labelled(d) for d in docs] == [[("Paris", "LOC")], [("Rome", "LOC")], [("Berlin", "LOC")]]


def test_the_last_column_is_the_tag_and_tabs_crlf_and_a_bom_are_fine():
    data = "\ufeffEU NNP B-NP B-ORG\r\nrejects VBZ B-VP O\r\n\r\nGerman\tJJ\tB-NP\tB-MISC\r\n"
    [doc] = read_conll(data.encode())
    assert doc.text == "EU rejects\nGerman"
    assert labelled(doc) == [("EU", "ORG"), ("German", "MISC")]


def test_emoji_tokens_give_code_point_offsets():
    [doc] = read_conll(conll("I/O ❤️/O 🍕/O at/O Pizza/B-ORG Hut/I-ORG"))
    assert doc.text == EMOJI_TEXT
    assert doc.labels == [Span(10, 19, "ORG")]


def test_per_sentence_makes_each_sentence_a_document():
    docs = read_conll(conll("a/O", "b/B-X", "-DOCSTART- O", "c/O"), name="tweets.conll", per_sentence=True)
    assert [(d.location, d.text) for d in docs] == [
        ("tweets-00001.txt", "a"),
        ("tweets-00002.txt", "b"),
        ("tweets-00003.txt", "c"),
    ]


def test_empty_file_gives_no_documents():
    assert read_conll("\n\n") == []


# Schemes


@pytest.mark.parametrize("scheme", ["bio", "BIO", "iob2", "auto"])
def test_bio(scheme):
    data = conll("New/B-LOC York/I-LOC Paris/B-LOC and/O Ann/B-PER Lee/I-PER Bo/B-PER")
    [doc] = read_conll(data, scheme=scheme)
    assert labelled(doc) == [("New York", "LOC"), ("Paris", "LOC"), ("Ann Lee", "PER"), ("Bo", "PER")]


@pytest.mark.parametrize("scheme", ["iob1", "auto"])
def test_iob1(scheme):
    # I- starts an entity after O or another type; B- only separates two adjacent same-type entities.
    data = conll("New/I-LOC York/I-LOC Paris/B-LOC and/O Ann/I-PER Lee/I-PER UN/I-ORG")
    [doc] = read_conll(data, scheme=scheme)
    assert labelled(doc) == [("New York", "LOC"), ("Paris", "LOC"), ("Ann Lee", "PER"), ("UN", "ORG")]


@pytest.mark.parametrize("scheme", ["io", "auto"])
def test_io(scheme):
    [doc] = read_conll(conll("New/I-LOC York/I-LOC Ann/I-PER and/O Lee/I-PER"), scheme=scheme)
    assert labelled(doc) == [("New York", "LOC"), ("Ann", "PER"), ("Lee", "PER")]


@pytest.mark.parametrize("scheme", ["bioes", "bilou", "iobes", "auto"])
@pytest.mark.parametrize(("begin", "inside", "end", "single"), [("B", "I", "E", "S"), ("B", "I", "L", "U")])
def test_bioes_and_bilou(scheme, begin, inside, end, single):
    data = conll(
        f"The/O New/{begin}-ORG York/{inside}-ORG Times/{end}-ORG Bo/{single}-PER Al/{single}-PER "
        f"Rio/{begin}-LOC Bay/{end}-LOC"
    )
    [doc] = read_conll(data, scheme=scheme)
    assert labelled(doc) == [("New York Times", "ORG"), ("Bo", "PER"), ("Al", "PER"), ("Rio Bay", "LOC")]


def test_types_may_contain_hyphens():
    [doc] = read_conll(conll("Dune/B-creative-work 2/I-creative-work"))
    assert labelled(doc) == [("Dune 2", "creative-work")]


def test_an_entity_ends_with_its_sentence():
    [doc] = read_conll(conll("in/O New/B-LOC", "York/I-LOC is/O"))
    assert labelled(doc) == [("New", "LOC"), ("York", "LOC")]


@pytest.mark.parametrize(
    ("scheme", "sentence", "problem"),
    [
        ("bio", "a/O b/I-PER", "'I-PER' does not continue a PER entity; start it with B-."),
        ("bio", "a/B-LOC b/I-PER", "'I-PER' does not continue a PER entity; start it with B-."),
        ("bio", "a/O b/S-PER", "Tag 'S-PER' is not part of the BIO scheme."),
        ("iob1", "a/O b/B-PER", "IOB1 uses 'B-PER' only right after another PER entity; use I-PER."),
        ("iob1", "a/I-LOC b/B-PER", "IOB1 uses 'B-PER' only right after another PER entity; use I-PER."),
        ("iob1", "a/O b/E-PER", "Tag 'E-PER' is not part of the IOB1 scheme."),
        ("io", "a/O b/B-PER", "Tag 'B-PER' is not part of the IO scheme."),
        ("bioes", "a/O b/I-PER", "'I-PER' does not continue a PER entity; start it with B-."),
        ("bioes", "a/O b/E-PER", "'E-PER' does not continue a PER entity; start it with B-."),
        ("bioes", "a/B-PER b/O", "Entity 'B-PER' is not closed with E-PER before 'O'."),
        ("bioes", "a/B-PER b/B-PER c/E-PER", "Entity 'B-PER' is not closed with E-PER before 'B-PER'."),
        ("bioes", "a/B-PER b/S-LOC", "Entity 'B-PER' is not closed with E-PER before 'S-LOC'."),
        ("bioes", "a/O b/B-PER", "Entity 'B-PER' is not closed with E-PER at the sentence end."),
        ("auto", "a/S-PER b/I-LOC", "'I-LOC' does not continue a LOC entity; start it with B-."),
        ("auto", "a/U-PER b/B-LOC", "Entity 'B-LOC' is not closed with E-LOC at the sentence end."),
    ],
)
def test_sequences_the_scheme_forbids(scheme, sentence, problem):
    data = conll("fine/O", sentence)
    with pytest.raises(FormatProblems, match=re.escape(f"The CoNLL file has 1 problem: line 4: {problem}")):
        read_conll(data, scheme=scheme)
    assert problems_of(data, scheme=scheme) == [("line 4", problem)]


@pytest.mark.parametrize("tag", ["PER", "B-", "X-PER", "b-PER", "B_PER", "o", "-"])
def test_invalid_tags_are_problems_with_their_line(tag):
    data = f"a O\n\nb {tag}\nc O\n"
    problem = f"Tag '{tag}' is not O or B-, I-, E-, S-, L-, U- and a type."
    with pytest.raises(FormatProblems, match=re.escape(f"line 3: {problem}")):
        read_conll(data)
    assert problems_of(data) == [("line 3", problem)]


def test_a_token_without_a_tag_is_a_problem():
    assert problems_of("a O\nlonely\n") == [("line 2", "Expected a token and a tag, got 'lonely'.")]


def test_unknown_scheme():
    with pytest.raises(FormatProblems, match=r"Unknown tagging scheme 'BIOX'; use one of auto, bio, iob1, io, bioes\."):
        read_conll("a O\n", scheme="BIOX")


def test_document_rules_apply():
    data = conll("x" * 128_001 + "/O", "-DOCSTART- O", "y" * 501 + "/B-LONG", "-DOCSTART- O", "a/B-PER:X")
    assert problems_of(data, name="big.conll") == [
        ("big-00001.txt", "Document 'big-00001.txt' has 128,001 characters; the limit is 128,000."),
        ("big-00002.txt", "LONG: Label [0, 501) is 501 characters long; the limit is 500."),
        ("assets.entities", "Entity type name 'PER:X' contains :; these are not allowed: # $ % & ( ) * + / : ? ~."),
    ]


def test_every_problem_is_collected():
    data = "a Q\nb\n\nc I-X\nd B-\n"
    with pytest.raises(FormatProblems, match=r"^The CoNLL file has 4 problems: line 1: Tag 'Q'") as caught:
        read_conll(data, scheme="bio")
    # in line order, though tags are checked before sequences
    assert [d["target"] for d in caught.value.details] == ["line 1", "line 2", "line 4", "line 5"]


def test_non_utf8_bytes_are_a_problem():
    assert problems_of(b"caf\xe9 O\n", name="x.conll") == [
        ("x.conll", "Not UTF-8 text (byte 3); save the file as UTF-8.")
    ]


# Writing


def test_writes_bio():
    docs = [
        DocumentData("a.txt", "Ada Lovelace  wrote\n\n  in London .", labels=[Span(0, 12, "PER"), Span(26, 32, "LOC")]),
        DocumentData("b.txt", EMOJI_TEXT, labels=[Span(10, 19, "ORG")]),
    ]
    text, report = write_conll(docs)
    assert report == []
    assert text == (
        "-DOCSTART- -X- -X- O\n\n"
        "Ada B-PER\nLovelace I-PER\nwrote O\n\nin O\nLondon B-LOC\n. O\n\n"
        "-DOCSTART- -X- -X- O\n\n"
        "I O\n❤️ O\n🍕 O\nat O\nPizza B-ORG\nHut I-ORG\n\n"
    )


def test_adjacent_same_type_labels_each_begin_with_b():
    text, _ = write_conll([DocumentData("a.txt", "Paris Rome", labels=[Span(0, 5, "LOC"), Span(6, 10, "LOC")])])
    assert text.endswith("Paris B-LOC\nRome B-LOC\n\n")


def test_writes_nothing_for_no_documents():
    assert write_conll([]) == ("", [])


def report_of(text: str, *labels: Span) -> tuple[list[str], list[dict]]:
    output, report = write_conll([DocumentData("d.txt", text, labels=list(labels))])
    return [line for line in output.split("\n")[2:] if line], report


def test_a_label_inside_a_token_is_reported_and_tags_the_whole_token():
    tags, report = report_of("visit NewYork now", Span(9, 13, "LOC"))
    assert tags == ["visit O", "NewYork B-LOC", "now O"]
    assert report == [
        {
            "location": "d.txt",
            "category": "LOC",
            "start": 9,
            "end": 13,
            "text": "York",
            "message": "The label does not start and end on token boundaries; "
            "the CoNLL output tags the whole tokens it touches.",
        }
    ]


def test_a_label_ending_inside_a_token_over_emoji_is_reported():
    tags, report = report_of("I ❤️ 🍕 at Pizza Huts", Span(10, 19, "ORG"))
    assert tags[-2:] == ["Pizza B-ORG", "Huts I-ORG"]
    assert [(r["text"], r["start"], r["end"]) for r in report] == [("Pizza Hut", 10, 19)]


def test_tokens_are_the_studios_so_punctuation_is_its_own_token():
    # Whitespace tokens would be "Corporation," and "$5,000." and report both labels as not fitting.
    text = "Acme Corporation, lends $5,000. Don't (Wei Zhang) sign?"
    tags, report = report_of(text, Span(0, 16, "Party"), Span(24, 30, "Amount"), Span(39, 48, "Party"))
    assert report == []
    assert tags == [
        "Acme B-Party",
        "Corporation I-Party",
        ", O",
        "lends O",
        "$5,000 B-Amount",
        ". O",
        "Do O",
        "n't O",
        "( O",
        "Wei B-Party",
        "Zhang I-Party",
        ") O",
        "sign O",
        "? O",
    ]


def test_a_label_crossing_a_line_break_is_reported_and_begins_again_in_each_sentence():
    tags, report = report_of("the New\nYork Times", Span(4, 18, "ORG"))
    assert tags == ["the O", "New B-ORG", "York B-ORG", "Times I-ORG"]
    assert report[0]["text"] == "New\nYork Times"
    assert report[0]["message"] == (
        "The label crosses a line break (CoNLL sentences are lines); the CoNLL output tags the whole tokens it touches."
    )


def test_labels_sharing_a_token_are_reported():
    tags, report = report_of("NewYork City", Span(0, 3, "A"), Span(3, 12, "B"))
    assert tags == ["NewYork B-A", "City B-B"]
    assert [(r["category"], r["message"]) for r in report] == [
        (
            "A",
            "The label does not start and end on token boundaries; the CoNLL output tags the whole tokens it touches.",
        ),
        (
            "B",
            "The label does not start and end on token boundaries and shares a token with another label; "
            "the CoNLL output tags the whole tokens it touches.",
        ),
    ]
    tags, report = report_of("NewYork", Span(0, 3, "A"), Span(3, 7, "B"))
    assert tags == ["NewYork B-A"]
    assert report[1]["message"] == (
        "The label does not start and end on token boundaries and shares a token with another label; "
        "with no token of its own, it is not in the CoNLL output."
    )


def test_overlapping_labels_are_reported_not_dropped():
    # Documents never hold overlapping labels, but the writer must not lose one silently if handed them.
    tags, report = report_of("a bXc d", Span(0, 7, "A"), Span(3, 4, "B"))
    assert tags == ["a B-A", "bXc I-A", "d I-A"]
    assert [(r["category"], r["text"]) for r in report] == [("B", "X")]
    assert "it is not in the CoNLL output" in report[0]["message"]


def test_whitespace_labels_and_documents_without_tokens_are_reported():
    tags, report = report_of("a   b", Span(2, 3, "X"))
    assert tags == ["a O", "b O"]
    assert report[0]["message"] == "The label covers no token (only whitespace), so it is not in the CoNLL output."
    text, report = write_conll([DocumentData("blank.txt", " \n ")])
    assert text == "-DOCSTART- -X- -X- O\n\n"
    assert report == [
        {
            "location": "blank.txt",
            "category": "",
            "start": 0,
            "end": 3,
            "text": " \n ",
            "message": "The document has no tokens, so it is not in the CoNLL output.",
        }
    ]


def test_round_trip():
    docs = [
        DocumentData("x-00001.txt", "Ada Lovelace wrote\nin London", labels=[Span(0, 12, "PER"), Span(22, 28, "LOC")]),
        DocumentData("x-00002.txt", EMOJI_TEXT, labels=[Span(10, 19, "ORG")]),
        DocumentData("x-00003.txt", "no labels"),
    ]
    text, report = write_conll(docs)
    assert report == []
    assert read_conll(text, name="x.conll", scheme="bio") == docs


def test_iob1_in_bio_out():
    [doc] = read_conll(conll("Paris/I-LOC Rome/B-LOC and/O Ann/I-PER"), scheme="iob1")
    text, _ = write_conll([doc])
    assert text.splitlines()[2:] == ["Paris B-LOC", "Rome B-LOC", "and O", "Ann B-PER", ""]


def test_the_sample_project_exports_with_every_label_fitting_and_reads_back_the_same_spans():
    docs = sample_documents()
    assert sum(len(d.labels) for d in docs) > 150
    text, report = write_conll(docs)
    assert report == []  # whitespace tokens left 79 of the sample's labels reported
    assert_same_but_spacing(read_conll(text, name="sample.conll", scheme="bio"), docs)


def assert_same_but_spacing(read: list[DocumentData], written: list[DocumentData]) -> None:
    """Same documents, texts and labels, except that the reader joins tokens with one space ("Corporation ,")."""

    def squeezed(text: str) -> str:
        return "".join(text.split())

    def spans(doc: DocumentData) -> list[tuple[str, str]]:
        return [(squeezed(doc.text[s.start : s.end]), s.category) for s in doc.labels]

    assert len(read) == len(written)
    for back, doc in zip(read, written, strict=True):
        assert squeezed(back.text) == squeezed(doc.text), doc.location
        assert spans(back) == spans(doc), doc.location


# The shared datasets


def test_wikigold_conll_matches_the_jsonl(datasets):
    folder = datasets / "wikigold"
    docs = read_conll((folder / "conll" / "wikigold.conll.txt").read_bytes(), name="wikigold.conll.txt")
    expected = read_jsonl((folder / "azure" / "wikigold.jsonl").read_bytes())
    assert len(docs) == len(expected) == 145
    assert docs == expected  # locations too: "wikigold-00001.txt", ...
    text, report = write_conll(docs)
    assert report == []
    # The studio's tokenizer splits a few of wikigold's tokens ("Miller's" -> "Miller" "'s"); labels keep.
    assert_same_but_spacing(read_conll(text, name="wikigold.conll", scheme="bio"), docs)


def test_wnut17_conll_sentences_match_the_jsonl(datasets):
    folder = datasets / "wnut17"
    docs = []
    for file, dataset in [("wnut17train.conll", "Train"), ("emerging.test.annotated", "Test")]:
        read = read_conll((folder / "conll" / file).read_bytes(), name=file, scheme="bio", per_sentence=True)
        docs += [(doc.text, doc.labels, dataset) for doc in read]
    expected = read_jsonl((folder / "azure" / "wnut17.jsonl").read_bytes())
    assert docs == [(doc.text, doc.labels, doc.dataset) for doc in expected]
