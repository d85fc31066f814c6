"""The runtime analyzes the languages the studio supports; a document stated in another one is that document's
`UnsupportedLanguageCode` error, as on Azure, and the others are still analyzed."""

from __future__ import annotations

import pytest

from modeling.services.runtime import DocumentError, RuntimeDocument, documents_analyze
from modeling.services.runtime.prediction import UNSUPPORTED_LANGUAGE, language_problem
from projects.languages import is_supported_language


@pytest.mark.parametrize("code", ["en", "EN-us", "en-gb", "de", "zh-hans", "zh", "pt-BR"])
def test_languages_of_the_list_and_their_variants_are_supported(code):
    assert is_supported_language(code)


@pytest.mark.parametrize("code", ["xx", "sv", "tlh", "en_US", "", "e"])
def test_other_languages_and_malformed_codes_are_not(code):
    assert not is_supported_language(code)


def test_the_projects_own_language_is_supported_even_outside_the_list():
    assert is_supported_language("sv-se", also="sv-SE") and not is_supported_language("sv-se")


def test_the_problem_names_the_code_and_the_supported_languages():
    assert language_problem(None, project_language="en") is None
    assert language_problem("en-GB", project_language="en") is None
    problem = language_problem("xx", project_language="en-us")
    assert problem.startswith("Invalid language code 'xx'. Supported languages: en, en-us, de,")
    assert problem.endswith("(and the project's, en-us).")


def test_a_document_in_an_unsupported_language_is_its_own_error(runtime_deployment):
    documents = [
        RuntimeDocument("1", "Acme Bank lends $5,000 to Wei Zhang.", "en"),
        RuntimeDocument("2", "Acme Bank lends $5,000 to Wei Zhang.", "xx"),
        RuntimeDocument("3", "", "xx"),  # an empty document is invalid first
        RuntimeDocument("4", "Acme Bank lends $5,000 to Wei Zhang."),
    ]
    analysis = documents_analyze(deployment=runtime_deployment, documents=documents)
    assert [d.id for d in analysis.documents] == ["1", "4"]
    assert analysis.errors == [
        DocumentError("2", language_problem("xx", project_language="en-us"), UNSUPPORTED_LANGUAGE),
        DocumentError("3", "Document text is empty."),
    ]
