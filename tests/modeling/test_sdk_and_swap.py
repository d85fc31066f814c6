"""Azure's own `azure-ai-textanalytics` client against the live studio, and swaps under load."""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest
from azure.ai.textanalytics import TextAnalyticsClient
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ResourceNotFoundError

from annotation.formats.azure import read_project
from annotation.services.imports import project_import
from modeling.services.deployments import deployments_swap
from projects.models import Project
from projects.services.api_keys import api_key_create
from tests.modeling.factories import loan_project

DOCUMENTS = [
    "Ana López 👩‍👩‍👧 agrees to repay $1,200 to Contoso Finance 😀 in monthly installments.",
    "This loan agreement is made between Acme Bank and Wei Zhang for $5,000.",
    "😀😀 Fabrikam Lending lends €40,000 to Priya Natarajan. The borrower shall pay interest.",
]


@pytest.fixture
def served(live_server, transactional_db, owner, deploy_tiny):
    project = project_import(user=owner, name="loans", data=read_project(loan_project(documents=12)))
    deploy_tiny(project, user=owner)
    key = api_key_create(user=owner, name="sdk")
    return live_server.url, key, project


@pytest.mark.parametrize("index_type", ["UnicodeCodePoint", "Utf16CodeUnit"])
def test_sdk_recognizes_custom_entities_with_exact_offsets(served, index_type):
    endpoint, key, _ = served
    client = TextAnalyticsClient(endpoint, AzureKeyCredential(key))
    poller = client.begin_recognize_custom_entities(
        DOCUMENTS, project_name="loans", deployment_name="prod", string_index_type=index_type, polling_interval=5
    )
    results = poller.result()
    found = 0
    for text, result in zip(DOCUMENTS, results, strict=True):
        assert not result.is_error
        for entity in result.entities:
            found += 1
            if index_type == "UnicodeCodePoint":
                assert text[entity.offset : entity.offset + entity.length] == entity.text
            else:
                units = text.encode("utf-16-le")
                assert units[2 * entity.offset : 2 * (entity.offset + entity.length)].decode("utf-16-le") == entity.text
            assert entity.category in {"Lender", "Borrower", "Amount"}
    assert found >= 6


def test_sdk_raises_its_normal_exceptions(served):
    endpoint, key, _ = served
    with pytest.raises(ClientAuthenticationError):
        TextAnalyticsClient(endpoint, AzureKeyCredential("wrong")).begin_recognize_custom_entities(
            DOCUMENTS, project_name="loans", deployment_name="prod"
        )
    with pytest.raises(ResourceNotFoundError) as caught:
        TextAnalyticsClient(endpoint, AzureKeyCredential(key)).begin_recognize_custom_entities(
            DOCUMENTS, project_name="loans", deployment_name="missing"
        )
    assert "DeploymentNotFound" in str(caught.value)
    assert isinstance(caught.value, HttpResponseError)


def test_swap_while_requests_run(served, deploy_tiny, owner):
    endpoint, key, project = served
    deploy_tiny(project, variant="b", label="m2", deployment="staging", user=owner)
    body = json.dumps({
        "kind": "CustomEntityRecognition",
        "analysisInput": {"documents": [{"id": "1", "text": DOCUMENTS[1]}]},
        "parameters": {"projectName": "loans", "deploymentName": "prod"},
    }).encode()  # fmt: skip
    seen: list[set[str]] = []
    failures: list[str] = []
    stop = threading.Event()

    def call():
        while not stop.is_set():
            request = urllib.request.Request(
                f"{endpoint}/language/:analyze-text?api-version=2023-04-01", data=body, method="POST",
                headers={"Content-Type": "application/json", "Ocp-Apim-Subscription-Key": key},
            )  # fmt: skip
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    result = json.load(response)
                seen.append({e["category"] for e in result["results"]["documents"][0]["entities"]})
            except Exception as error:  # any failure is what this test is about
                failures.append(repr(error))

    threads = [threading.Thread(target=call) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        _wait(lambda: len(seen) >= 5)
        before = len(seen)
        deployments_swap(user=owner, project=Project.objects.get(), first="prod", second="staging")
        _wait(lambda: len(seen) >= before + 10)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert failures == []
    assert seen[0] <= {"Lender", "Borrower", "Amount"}
    assert seen[-1] <= {"Bank", "Person", "Money"} and seen[-1]


def _wait(predicate, timeout: float = 120):
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
