import json
import re

import pytest

from annotation.formats import DocumentData, FormatProblems
from annotation.formats.jsonl import name_stem, read_jsonl, write_jsonl
from annotation.spans import Span

EMOJI_TEXT = "I ❤️ 🍕 at Pizza Hut"


def line(**record) -> str:
    return json.dumps(record, ensure_ascii=False)


def problems_of(data: str | bytes, **kwargs) -> list[dict]:
    with pytest.raises(FormatProblems) as caught:
        read_jsonl(data, **kwargs)
    details = caught.value.details
    assert details == caught.value.problems
    return details


# Reading


def test_reads_doccano_lines():
    data = "\n".join(
        [
            line(id="a.txt", text="Ada Lovelace wrote.", label=[[0, 12, "PER"]], dataset="Train"),
            line(id="b.txt", text="Paris and Rome", labels=[[10, 14, "LOC"], [0, 5, "LOC"]], language="fr"),
        ]
    )
    docs = read_jsonl(data)
    assert docs == [
        DocumentData("a.txt", "Ada Lovelace wrote.", dataset="Train", labels=[Span(0, 12, "PER")]),
        # labels come sorted by start whatever the file's order
        DocumentData("b.txt", "Paris and Rome", language="fr", labels=[Span(0, 5, "LOC"), Span(10, 14, "LOC")]),
    ]


def test_emoji_offsets_are_code_points():
    start = EMOJI_TEXT.index("Pizza Hut")
    assert (start, start + 9) == (10, 19)  # in UTF-16 code units this would be (11, 20)
    [doc] = read_jsonl(line(text=EMOJI_TEXT, label=[[10, 19, "ORG"]]))
    assert doc.labels == [Span(10, 19, "ORG")]
    assert doc.text[10:19] == "Pizza Hut"


def test_generated_locations_use_the_stem_and_the_line_number():
    data = line(text="one") + "\n\n   \n" + line(text="two") + "\n" + line(id="keep-me", text="three")
    docs = read_jsonl(data, name="folder/my.data.jsonl")
    assert [d.location for d in docs] == ["my.data-00001.txt", "my.data-00004.txt", "keep-me"]


def test_numeric_ids_become_locations_and_empty_ones_are_absent():
    docs = read_jsonl(line(id=17, text="x") + "\n" + line(id="", text="y"))
    assert [d.location for d in docs] == ["17", "upload-00002.txt"]


@pytest.mark.parametrize(
    ("given", "expected"), [("train", "Train"), ("TEST", "Test"), ("Train", "Train"), (None, ""), ("", "")]
)
def test_dataset_is_normalised(given, expected):
    [doc] = read_jsonl(line(text="x", dataset=given))
    assert doc.dataset == expected


def test_missing_labels_mean_none_and_unknown_keys_are_ignored():
    [doc] = read_jsonl(line(text="x", meta={"source": "web"}, Comments=[]))
    assert doc.labels == []


def test_bytes_with_a_byte_order_mark_and_crlf():
    data = ("\ufeff" + line(text="café", label=[[0, 4, "X"]]) + "\r\n").encode()
    [doc] = read_jsonl(data)
    assert doc.text == "café"
    assert doc.labels == [Span(0, 4, "X")]


def test_empty_file_gives_no_documents():
    assert read_jsonl("") == []


@pytest.mark.parametrize(
    ("name", "stem"),
    [("upload.jsonl", "upload"), ("wikigold.conll.txt", "wikigold"), ("a/b\\c.JSONL", "c"), ("x.data", "x")],
)
def test_name_stem(name, stem):
    assert name_stem(name) == stem


# Problems


@pytest.mark.parametrize(
    ("record_line", "message"),
    [
        ('{"text": "x", ', "Malformed JSON: Expecting property name enclosed in double quotes (column 15)."),
        ("[1, 2]", "Expected a JSON object, got list."),
        (line(label=[]), "The object has no 'text' string."),
        (line(text=5), "The object has no 'text' string."),
        (line(text="abc", label=[[0, 1]]), 'Label 1 must be a [start, end, "TYPE"] list, got [0, 1].'),
        (line(text="abc", label=[[0, 1, "A", "B"]]), 'Label 1 must be a [start, end, "TYPE"] list'),
        (line(text="abc", label=[{"start": 0}]), 'Label 1 must be a [start, end, "TYPE"] list'),
        (line(text="abc", label=[[0, 1, "A"], [1.0, 2, "A"]]), "Label 2 offsets must be integers, got 1.0 and 2."),
        (line(text="abc", label=[["0", 1, "A"]]), "Label 1 offsets must be integers, got '0' and 1."),
        (line(text="abc", label=[[0, True, "A"]]), "Label 1 offsets must be integers, got 0 and True."),
        (line(text="abc", label=[[0, 1, 7]]), "Label 1 type must be a non-empty string, got 7."),
        (line(text="abc", label=[[0, 1, ""]]), "Label 1 type must be a non-empty string, got ''."),
        (line(text="abc", label="PER"), "'label' must be a list of [start, end, \"TYPE\"] lists, got 'PER'."),
        (line(text="abc", label=[], labels=[]), "The object has both 'label' and 'labels'; use one."),
        (line(text="abc", id=["a"]), "'id' must be a string or an integer, got ['a']."),
        (line(text="abc", dataset=1), "'dataset' must be a string, got 1."),
        (line(text="abc", language=["en"]), "'language' must be a string, got ['en']."),
    ],
)
def test_line_problems_name_the_line(record_line, message):
    data = line(text="fine") + "\n\n" + record_line
    with pytest.raises(FormatProblems, match=r"^The JSONL file has 1 problem: line 3: " + re.escape(message)):
        read_jsonl(data)
    [detail] = problems_of(data)
    assert detail["target"] == "line 3"
    assert detail["message"].startswith(message)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (dict(text="abc", label=[[1, 9, "A"]]), "A: Label [1, 9) is outside the document (length 3)."),
        (dict(text="abc", label=[[2, 2, "A"]]), "A: Label [2, 2) is empty; a label covers at least 1 character."),
        (dict(text="abc", label=[[-1, 2, "A"]]), "A: Label [-1, 2) is outside the document (length 3)."),
        (
            dict(text="abcdef", label=[[0, 3, "A"], [2, 5, "B"]]),
            "The B label 'cde' overlaps the A label 'abc'; labels in one document cannot overlap.",
        ),
        (dict(text="", label=[]), "Document 'doc.txt' is empty; a document needs at least 1 character."),
        (dict(text="abc", dataset="Validation"), "Dataset 'Validation' is not one of Train, Test."),
        (dict(text="a" * 600, label=[[0, 501, "A"]]), "A: Label [0, 501) is 501 characters long; the limit is 500."),
    ],
)
def test_document_problems_name_the_location(record, message):
    data = line(id="doc.txt", **record)
    with pytest.raises(FormatProblems, match=re.escape(f"doc.txt: {message}")):
        read_jsonl(data)
    [detail] = problems_of(data)
    assert detail == {"code": "InvalidArgument", "message": message, "target": "doc.txt"}


def test_repeated_ids_and_bad_locations_are_problems():
    data = "\n".join([line(id="a.txt", text="x"), line(id="a.txt", text="y"), line(id="x/y.txt", text="z")])
    details = problems_of(data)
    assert [(d["target"], d["message"]) for d in details] == [
        ("a.txt", "Document location 'a.txt' appears more than once."),
        ("x/y.txt", "Document location 'x/y.txt' must be a plain file name without folders."),
    ]


def test_invalid_category_names_are_problems():
    details = problems_of(line(text="abc", label=[[0, 1, "PER/ORG"]]))
    assert [d["message"] for d in details] == [
        "Entity type name 'PER/ORG' contains /; these are not allowed: # $ % & ( ) * + / : ? ~."
    ]


def test_every_problem_is_collected():
    data = "\n".join(
        [
            "not json",
            line(text="ok", label=[[0, 2, "A"]]),
            line(id="bad.txt", text="abc", label=[[0, 1], [0, 9, "B"]]),
            line(label=[]),
        ]
    )
    with pytest.raises(FormatProblems, match=r"^The JSONL file has 4 problems: line 1: Malformed JSON") as caught:
        read_jsonl(data)
    assert [d["target"] for d in caught.value.details] == ["line 1", "line 3", "line 4", "bad.txt"]
    assert caught.value.innererror_code == "InvalidDocumentBatch"


def test_non_utf8_bytes_are_a_problem():
    details = problems_of(b'{"text": "caf\xe9"}', name="latin1.jsonl")
    assert details == [
        {
            "code": "InvalidArgument",
            "message": "Not UTF-8 text (byte 13); save the file as UTF-8.",
            "target": "latin1.jsonl",
        }
    ]


# Writing


def test_writes_one_line_per_document():
    docs = [
        DocumentData("e.txt", EMOJI_TEXT, labels=[Span(10, 19, "ORG"), Span(5, 6, "FOOD")]),
        DocumentData("f.txt", "line\none", language="en-us", dataset="Test"),
    ]
    assert write_jsonl(docs) == (
        '{"id": "e.txt", "text": "I ❤️ 🍕 at Pizza Hut", "label": [[5, 6, "FOOD"], [10, 19, "ORG"]]}\n'
        '{"id": "f.txt", "text": "line\\none", "label": [], "dataset": "Test", "language": "en-us"}\n'
    )


def test_writes_nothing_for_no_documents():
    assert write_jsonl([]) == ""


def test_round_trip():
    docs = [
        DocumentData("e.txt", EMOJI_TEXT, labels=[Span(5, 6, "FOOD"), Span(10, 19, "ORG")]),
        DocumentData("f.txt", "tab\there\u2028and a line separator", language="de", dataset="Train"),
        DocumentData("g", "no labels"),
    ]
    assert read_jsonl(write_jsonl(docs)) == docs
    assert read_jsonl(write_jsonl(docs).encode()) == docs


@pytest.mark.parametrize("corpus", ["wikigold", "wnut17"])
def test_shared_dataset_round_trips_byte_for_byte(datasets, corpus):
    path = datasets / corpus / "azure" / f"{corpus}.jsonl"
    docs = read_jsonl(path.read_bytes(), name=path.name)
    assert docs and all(doc.location.startswith(f"{corpus}-") for doc in docs)
    assert write_jsonl(docs) == path.read_text(encoding="utf-8")
