"""Entity type names are unique regardless of case: the rule, the services that create and rename types, the
imports that would add one, and the database index behind them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from annotation.entity_names import case_clash_message, find_case_clash, find_case_clashes
from annotation.formats import DocumentData, FormatProblems, ProjectData
from annotation.formats.azure import read_project
from annotation.models import EntityType
from annotation.services.entity_types import entity_type_create, entity_type_update
from annotation.services.imports import documents_import, project_import
from annotation.spans import Span
from projects.services.projects import project_create
from studio.exceptions import Conflict, InvalidInput
from tests.conftest import small_project


def test_a_clash_is_a_name_differing_only_in_case():
    assert find_case_clash("party", ["Amount", "Party"]) == "Party"
    assert find_case_clash("Party", ["Party"]) is None  # the same name is a duplicate, not a clash
    assert find_case_clash("STRASSE", ["Straße"]) == "Straße"  # case folding, not just lower()
    assert find_case_clashes(["Party", "Amount", "party", "PARTY", "party"]) == [
        ("party", "Party"),
        ("PARTY", "Party"),
    ]
    assert find_case_clashes(["amount"], existing=["Amount", "Party"]) == [("amount", "Amount")]
    assert case_clash_message("party", "Party") == (
        "Entity type 'party' differs only in case from the entity type 'Party'; "
        "entity type names are unique regardless of case."
    )


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def project(owner):
    project = project_create(user=owner, name="loans")
    entity_type_create(project=project, user=owner, name="Party")
    return project


def test_create_refuses_a_name_differing_only_in_case(owner, project):
    with pytest.raises(Conflict, match="^Entity type 'party' differs only in case from the entity type 'Party'"):
        entity_type_create(project=project, user=owner, name="party")
    with pytest.raises(Conflict, match="already has an entity type named 'Party'"):
        entity_type_create(project=project, user=owner, name="Party")
    assert list(project.entity_types.values_list("name", flat=True)) == ["Party"]


def test_rename_refuses_another_types_name_in_any_case_but_may_recase_its_own(owner, project):
    amount = entity_type_create(project=project, user=owner, name="Amount")
    with pytest.raises(Conflict, match="'PARTY' differs only in case from the entity type 'Party'"):
        entity_type_update(entity_type=amount, user=owner, name="PARTY")
    party = project.entity_types.get(name="Party")
    assert entity_type_update(entity_type=party, user=owner, name="PARTY").name == "PARTY"
    assert sorted(project.entity_types.values_list("name", flat=True)) == ["Amount", "PARTY"]


def test_the_database_refuses_a_name_differing_only_in_case(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        EntityType.objects.create(project=project, name="PARTY")


def test_an_upload_labeling_with_another_case_of_a_type_is_refused_naming_both(owner, project):
    documents = [DocumentData("a.txt", "Acme lends.", labels=[Span(0, 4, "party")])]
    with pytest.raises(FormatProblems) as refused:
        documents_import(user=owner, project=project, documents=documents)
    assert [p["message"] for p in refused.value.problems] == [
        "Label category 'party' differs only in case from the entity type 'Party'; "
        "entity type names are unique regardless of case."
    ]
    assert not project.documents.exists() and project.entity_types.count() == 1


def test_an_upload_with_two_new_categories_differing_in_case_is_refused(owner, project):
    documents = [
        DocumentData("a.txt", "Ana pays $5.", labels=[Span(0, 3, "Borrower")]),
        DocumentData("b.txt", "Bo pays $6.", labels=[Span(0, 2, "borrower")]),
    ]
    with pytest.raises(FormatProblems, match="'borrower' differs only in case from the label category 'Borrower'"):
        documents_import(user=owner, project=project, documents=documents)
    assert not project.documents.exists() and project.entity_types.count() == 1


def test_an_azure_project_file_listing_two_cases_of_a_name_is_refused():
    body = small_project()
    body["assets"]["entities"].append({"category": "BORROWER"})
    with pytest.raises(FormatProblems) as refused:
        read_project(body)
    assert {"code": "InvalidArgument", "target": "assets.entities",
            "message": case_clash_message("BORROWER", "Borrower")} in refused.value.problems  # fmt: skip


def test_importing_a_snapshot_that_predates_the_rule_is_refused(owner):
    data = ProjectData(name="old", entity_types=["Party", "party"])
    with pytest.raises(InvalidInput, match="'party' differs only in case from the entity type 'Party'"):
        project_import(user=owner, name="old", data=data)
