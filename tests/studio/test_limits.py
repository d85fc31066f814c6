import pytest

from studio import limits
from studio.exceptions import InvalidInput


@pytest.mark.parametrize("name", ["a", "Loan_Agreements-2.v1", "x" * 50])
def test_valid_names(name):
    assert limits.check_name(name) == name


@pytest.mark.parametrize("name", ["", "x" * 51, "has space", "slash/name", "ümlaut", None, "global", ".", ".."])
def test_invalid_names(name):
    with pytest.raises(InvalidInput):
        limits.check_name(name)


def test_document_length_limits():
    limits.check_document_text("x" * 128_000)
    with pytest.raises(InvalidInput, match="128,001 characters; the limit is 128,000"):
        limits.check_document_text("x" * 128_001, location="big.txt")
    with pytest.raises(InvalidInput, match="empty"):
        limits.check_document_text("")


@pytest.mark.parametrize("bad", list(":$&%*()+~#/?"))
def test_entity_names_refuse_azure_forbidden_characters(bad):
    with pytest.raises(InvalidInput, match="not allowed"):
        limits.check_entity_name(f"Name{bad}")


def test_entity_name_length_and_count():
    limits.check_entity_name("x" * 50)
    with pytest.raises(InvalidInput, match="longer than 50"):
        limits.check_entity_name("x" * 51)
    limits.check_entity_type_count(200)
    with pytest.raises(InvalidInput, match="at most 200"):
        limits.check_entity_type_count(201)


def test_label_span_limits():
    limits.check_label_span(0, 500, 1000)
    with pytest.raises(InvalidInput, match="501 characters long; the limit is 500"):
        limits.check_label_span(0, 501, 1000)
    with pytest.raises(InvalidInput, match="outside the document"):
        limits.check_label_span(5, 11, 10)
    with pytest.raises(InvalidInput, match="is empty"):
        limits.check_label_span(5, 5, 10)
    with pytest.raises(InvalidInput, match="integers"):
        limits.check_label_span("1", 3, 10)


def test_document_count_limit():
    limits.check_document_count(100_000)
    with pytest.raises(InvalidInput, match="at most 100,000 documents"):
        limits.check_document_count(100_001)
