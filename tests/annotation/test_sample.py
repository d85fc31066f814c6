"""The sample project: exact offsets from the markup, schema, Train/Test split, the page and the command."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from annotation.formats.marked import SAMPLE_FILE, parse_marked, sample_documents
from annotation.models import Label
from annotation.services.sample import SCHEMA, sample_project_create
from annotation.spans import Span, find_overlaps
from projects.models import Membership, Project, Role

MARKED = re.compile(r"\[\[([^\[\]|]+)\|([^\[\]|]+)\]\]")


def marked_up() -> list[tuple[str, str]]:
    """(covered text, type) of every markup in the sample's documents (the header comments left out)."""
    source = SAMPLE_FILE.read_text(encoding="utf-8")
    return [(m.group(1), m.group(2)) for m in MARKED.finditer(source[source.index("\n=== ") :])]


def test_parse_marked_counts_code_points():
    text, spans = parse_marked("😀 [[Zoë Müller|BorrowerName]] owes [[€5|LoanAmount]].")
    assert text == "😀 Zoë Müller owes €5."
    assert spans == [Span(2, 12, "BorrowerName"), Span(18, 20, "LoanAmount")]


def test_parse_marked_refuses_broken_markup():
    with pytest.raises(ValueError, match="Unbalanced markup"):
        parse_marked("[[John|BorrowerName] owes")


def test_sample_documents_are_varied_labeled_and_split():
    documents = sample_documents()
    assert 36 <= len(documents) <= 50
    datasets = Counter(d.dataset for d in documents)
    labeled = [d for d in documents if d.labels]
    assert datasets["Test"] / (datasets["Train"] + datasets["Test"]) == pytest.approx(0.2, abs=0.05)
    assert all(d.dataset in ("Train", "Test") for d in labeled)
    assert {s.category for d in documents for s in d.labels} == {name for name, _, _ in SCHEMA}
    test_types = Counter(s.category for d in documents if d.dataset == "Test" for s in d.labels)
    assert all(test_types[name] >= 5 for name, _, _ in SCHEMA)  # every type can be evaluated
    texts = "".join(d.text for d in documents)
    assert any(ord(c) > 0xFFFF for c in texts)  # emoji: UTF-16 surrogate pairs
    assert any(c in texts for c in "éüøłńçğı")  # accented names
    assert len({d.location for d in documents}) == len(documents)
    for document in documents:
        assert not find_overlaps(document.labels), document.location
        assert "[[" not in document.text and "]]" not in document.text


def test_every_label_covers_exactly_its_marked_up_text():
    marked = marked_up()
    labels = [(d.text[s.start : s.end], s.category) for d in sample_documents() for s in d.labels]
    assert labels == marked
    assert len(labels) > 150


def test_sample_project_in_the_database_matches_the_markup(make_user):
    user = make_user("newcomer")
    project = sample_project_create(user=user)
    assert project.name == "loan-agreements"
    assert Membership.objects.get(project=project, user=user).role == Role.OWNER
    assert list(project.entity_types.values_list("name", "shortcut")) == [(n, k) for n, _, k in SCHEMA]
    marked = Counter(marked_up())
    stored = Counter(
        (label.document.text[label.start : label.end], label.entity_type.name)
        for label in Label.objects.filter(document__project=project).select_related("document", "entity_type")
    )
    assert stored == marked
    assert project.documents.filter(dataset="").count() == 4  # practice documents, unlabeled
    assert not Label.objects.filter(document__project=project, document__dataset="").exists()


def test_second_sample_gets_a_free_name(make_user):
    user = make_user("newcomer")
    assert sample_project_create(user=user).name == "loan-agreements"
    assert sample_project_create(user=user).name == "loan-agreements-2"
    assert sample_project_create(user=user).name == "loan-agreements-3"


def test_sample_from_the_empty_project_list(make_user):
    client = Client()
    client.force_login(make_user("newcomer"))
    response = client.post("/sample/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/projects/loan-agreements/"
    assert "Sample project &#x27;loan-agreements&#x27; is ready: 44 loan agreements" in page
    assert "loaded the sample project (44 documents)" in page


def test_loadsample_command(make_user):
    make_user("root", superuser=True)
    user = make_user("ana")
    call_command("loadsample", "--user", "ana", "--name", "demo")
    project = Project.objects.get(name="demo")
    assert Membership.objects.get(project=project, user=user).role == Role.OWNER
    call_command("loadsample")  # the first superuser, the default name
    assert Project.objects.get(name="loan-agreements").memberships.get().user.username == "root"
    with pytest.raises(CommandError, match="already exists"):
        call_command("loadsample", "--name", "demo")
    with pytest.raises(CommandError, match="no user named 'ghost'"):
        call_command("loadsample", "--user", "ghost")


def test_loadsample_without_users(db):
    with pytest.raises(CommandError, match="No superuser exists"):
        call_command("loadsample")
