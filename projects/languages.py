"""The languages the studio offers for projects and documents: one list for the authoring API and the forms.

Any BCP-47 code is accepted from imports and the API; this list is what the studio names and suggests.
"""

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
