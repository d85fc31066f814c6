"""The one home of the language rules: which codes are kept, which are offered, and a document's language."""

import pytest

from projects.languages import LANGUAGES, document_language, is_language_code, language_choices, same_language


@pytest.mark.parametrize("code", ["en", "en-us", "EN-US", "zh-hans", "sr-latn-rs", "sv", "fil"])
def test_bcp47_shaped_codes_are_kept(code):
    assert is_language_code(code)


@pytest.mark.parametrize("code", ["", "english", "e", "en_us", "en-", "-en", "12", "en-us-" + "x" * 20, None, 7])
def test_anything_else_is_not_a_language_code(code):
    assert not is_language_code(code)


def test_codes_compare_regardless_of_case():
    assert same_language("en-US", "en-us") and not same_language("en", "en-us")


def test_choices_are_the_studio_list_plus_codes_kept_from_imports():
    assert language_choices() == LANGUAGES
    assert language_choices("de", "", "sv", "SV") == [*LANGUAGES, ("sv", "sv")]


def test_a_document_has_its_own_language_only_in_a_multilingual_project():
    assert document_language(stated="fr", project_language="en-us", multilingual=True) == "fr"
    assert document_language(stated="", project_language="en-us", multilingual=True) == "en-us"
    assert document_language(stated="fr", project_language="en-us", multilingual=False) == "en-us"
