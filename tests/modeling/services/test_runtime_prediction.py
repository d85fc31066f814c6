"""Prediction on a deployed (tiny, real) model: typed texts in, code-point entities out."""

from __future__ import annotations

import pytest

from modeling.services.runtime import (
    DocumentError,
    Entity,
    RuntimeDocument,
    deployment_predict,
    document_problem,
    documents_analyze,
    runtime_deployment_get,
    transactions_count,
)
from studio.exceptions import InvalidInput, NotFound
from studio.limits import RUNTIME_CHARACTERS_MAX

EMOJI_TEXT = "😀😀 Ana López 👩‍👩‍👧 agrees to repay $1,200 to Contoso Finance 😀 in monthly installments."


@pytest.mark.parametrize(("length", "count"), [(0, 1), (1, 1), (1000, 1), (1001, 2), (125_000, 125)])
def test_a_transaction_is_each_started_thousand_characters(length, count):
    assert transactions_count("a" * length) == count


def test_document_problems_say_what_is_wrong():
    assert document_problem("Acme Bank") is None
    assert document_problem("a" * RUNTIME_CHARACTERS_MAX) is None
    assert document_problem("") == document_problem(" \n\t") == "Document text is empty."
    assert document_problem("a" * (RUNTIME_CHARACTERS_MAX + 1)) == (
        "Document text is too long (125,001 characters); the limit is 125,000."
    )


def test_entities_are_code_points_with_two_decimal_confidences(runtime_deployment):
    (entities,) = deployment_predict(deployment=runtime_deployment, texts=[EMOJI_TEXT])
    assert {e.category for e in entities} >= {"Borrower", "Amount"}
    for entity in entities:
        assert isinstance(entity, Entity)
        assert 0 <= entity.start < entity.end <= len(EMOJI_TEXT)
        assert 0 < entity.confidence <= 1 and round(entity.confidence, 2) == entity.confidence


def test_predicting_nothing_loads_nothing(runtime_deployment):
    assert deployment_predict(deployment=runtime_deployment, texts=[]) == []


def test_an_unanalyzable_text_is_refused_with_its_problem(runtime_deployment):
    with pytest.raises(InvalidInput, match="Document text is empty."):
        deployment_predict(deployment=runtime_deployment, texts=["Acme Bank", "  "])


def test_analysis_keeps_input_order_and_reports_bad_documents(runtime_deployment):
    documents = [
        RuntimeDocument("b", "Acme Bank lends $5,000 to Wei Zhang."),
        RuntimeDocument("a", ""),
        RuntimeDocument("c", "x" * (RUNTIME_CHARACTERS_MAX + 1)),
        RuntimeDocument("d", EMOJI_TEXT, "en"),
    ]
    analysis = documents_analyze(deployment=runtime_deployment, documents=documents)
    assert [d.id for d in analysis.documents] == ["b", "d"]
    assert analysis.documents[1].entities == deployment_predict(deployment=runtime_deployment, texts=[EMOJI_TEXT])[0]
    assert analysis.errors == [
        DocumentError("a", "Document text is empty."),
        DocumentError("c", "Document text is too long (125,001 characters); the limit is 125,000."),
    ]


def test_unknown_project_and_deployment_name_their_inner_codes(runtime_deployment, owner, make_user):
    with pytest.raises(NotFound, match="The project 'nope' could not be found.") as caught:
        runtime_deployment_get(user=owner, project_name="nope", deployment_name="prod")
    assert caught.value.innererror_code == "ProjectNotFound"
    with pytest.raises(NotFound, match="The deployment 'nope' could not be found") as caught:
        runtime_deployment_get(user=owner, project_name="loans", deployment_name="nope")
    assert caught.value.innererror_code == "DeploymentNotFound"
    with pytest.raises(NotFound) as caught:  # outsiders do not learn that the project exists
        runtime_deployment_get(user=make_user("eve"), project_name="loans", deployment_name="prod")
    assert caught.value.innererror_code == "ProjectNotFound"
    assert runtime_deployment_get(user=owner, project_name="loans", deployment_name="prod") == runtime_deployment
