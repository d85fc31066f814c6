"""Shared set-up of the team workflow's tests: a project with an owner, two annotators, a reviewer, a viewer."""

from __future__ import annotations

import json

from django.test import Client

from annotation.formats import DocumentData
from annotation.services.entity_types import entity_type_create
from annotation.services.imports import documents_import
from annotation.spans import Span
from projects.models import Role
from projects.services.projects import membership_set, project_create

TEXTS = {
    "01.txt": "Loan to John Smith for $5,000 on Monday.",
    "02.txt": "Ana Lopez borrowed $20 from Bank Corp.",
    "03.txt": "Nothing here.",
}


def team_project(make_user, owner, name: str = "team"):
    """The project, its users by role name and its entity types by name."""
    project = project_create(user=owner, name=name)
    entity_type_create(project=project, user=owner, name="Person")
    entity_type_create(project=project, user=owner, name="Amount")
    documents_import(
        user=owner,
        project=project,
        documents=[
            DocumentData("01.txt", TEXTS["01.txt"], labels=[Span(8, 18, "Person")]),
            DocumentData("02.txt", TEXTS["02.txt"]),
            DocumentData("03.txt", TEXTS["03.txt"]),
        ],
    )
    users = {"owner": owner}
    for username, role in (
        ("ann", Role.ANNOTATOR),
        ("bob", Role.ANNOTATOR),
        ("rita", Role.REVIEWER),
        ("vic", Role.VIEWER),
    ):
        users[username] = make_user(username)
        membership_set(project=project, user=owner, username=username, role=role)
    types = {t.name: t.pk for t in project.entity_types.all()}
    return project, users, types


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client: Client, method: str, path: str, body=None, *, raw: str | None = None):
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    return getattr(client, method)(path, data, content_type="application/json")


def doc(project, location: str):
    return project.documents.get(location=location)


def api(project, document, suffix: str = "") -> str:
    return f"/api/projects/{project.name}/documents/{document.pk}{suffix}"
