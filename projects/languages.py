"""The languages the studio offers for projects and documents: one list for the authoring API and the forms.

Any well-formed BCP-47 code is accepted from imports and the API; this list is what the studio names and suggests,
and what a person picks a document's language from.
"""

import re

from studio.exceptions import InvalidInput

# (code, name), in the order the authoring API lists them.
LANGUAGES: list[tuple[str, str]] = [
    ("en", "English"),
    ("en-us", "English (US)"),
    ("de", "German"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("it", "Italian"),
    ("pt", "Portuguese"),
    ("nl", "Dutch"),
    ("ja", "Japanese"),
    ("zh-hans", "Chinese"),
    ("ko", "Korean"),
    ("ar", "Arabic"),
    ("hi", "Hindi"),
    ("ru", "Russian"),
    ("tr", "Turkish"),
    ("pl", "Polish"),
]

CODE_MAX = 20  # what `Project.language` and `Document.language` hold
# A BCP-47 tag's shape: a 2-3 letter language, then subtags of 1-8 letters or digits ("en-us", "zh-hans", "sr-latn-rs").
_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def is_language_code(code: object) -> bool:
    """Whether `code` is shaped like a BCP-47 tag the studio can keep (imports accept any such code)."""
    return isinstance(code, str) and len(code) <= CODE_MAX and _TAG.fullmatch(code) is not None


def language_code_message(code: object) -> str:
    return f"Language {code!r:.40} is not a language code: give a BCP-47 code such as 'en-us', 'fr' or 'zh-hans'."


def check_language_code(code: object, *, target: str = "language") -> str:
    """A project's or document's language, from any caller: a BCP-47 tag of at most `CODE_MAX` characters."""
    if not is_language_code(code):
        raise InvalidInput(language_code_message(code), target=target)
    return code


def same_language(a: str, b: str) -> bool:
    """Language tags compare regardless of case, as BCP-47 says ("en-US" is "en-us")."""
    return a.lower() == b.lower()


def language_choices(*kept: str) -> list[tuple[str, str]]:
    """The languages a person may pick: the studio's list, plus each of `kept` (a project's or a document's
    current code, which an import may have brought from outside the list) so that choosing it again works."""
    choices = list(LANGUAGES)
    known = {code.lower() for code, _ in choices}
    for code in kept:
        if code and code.lower() not in known:
            choices.append((code, code))
            known.add(code.lower())
    return choices


def document_language(*, stated: str, project_language: str, multilingual: bool) -> str:
    """A document's language: the one it states in a multilingual project, else the project's (Azure's rule:
    a project that is not multilingual has every document in its language)."""
    return (stated if multilingual else "") or project_language


def is_supported_language(code: str, *, also: str = "") -> bool:
    """Whether the runtime analyzes text stated to be in `code`: a language of the studio's list (a regional or
    script variant of one too, as "en-gb" of "en"), or `also` (the language of the project being asked, which an
    import may have brought from outside the list). Tags compare regardless of case."""
    if not is_language_code(code):
        return False
    primary = code.lower().split("-")[0]
    known = {c.lower() for c, _ in LANGUAGES} | ({also.lower()} if also else set())
    return code.lower() in known or primary in {c.split("-")[0] for c in known}
