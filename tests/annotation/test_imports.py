"""Adding documents checks the project's limits through `studio.limits`, listing each broken one."""

import pytest

from annotation.formats import DocumentData, FormatProblems
from annotation.services.imports import documents_import
from annotation.spans import Span
from projects.services.projects import project_create
from studio import limits


def test_too_many_new_entity_types_are_refused_with_the_limits_own_message(make_user, monkeypatch):
    owner = make_user("owner")
    project = project_create(user=owner, name="loans")
    text = " ".join(f"w{i}" for i in range(limits.ENTITY_TYPES_MAX + 1))
    spans = [Span(text.index(f"w{i}"), text.index(f"w{i}") + len(f"w{i}"), f"T{i}") for i in (0, 1, 2)]
    monkeypatch.setattr(limits, "ENTITY_TYPES_MAX", 2)
    monkeypatch.setattr(limits, "DOCUMENTS_MAX", 0)
    with pytest.raises(FormatProblems) as raised:
        documents_import(user=owner, project=project, documents=[DocumentData("a.txt", text, labels=spans)])
    messages = [p["message"] for p in raised.value.problems]
    assert "A project can have at most 2 entity types; this would make 3." in messages
    assert "A project can have at most 0 documents; this would make 1." in messages
    assert not project.documents.exists() and not project.entity_types.exists()
