"""Azure's own custom-entity tests of azure-ai-textanalytics 5.4.0, live against a studio each test starts.

The test files here are the 5.4.0 sdist's (`pip download --no-binary :all: --no-deps azure-ai-textanalytics==5.4.0`,
MIT, `LICENSE`), unmodified; `test_custom_text_cancel.py` holds the two cancel tests of commit 08ee56df that the
sdist dropped; `samples/` holds two of its samples, which `test_sdk_samples.py` runs. `devtools_testutils/` stands
in for the SDK repository's harness on its live path. This conftest picks the custom-entity tests of Azure's files
(the others need Azure's prebuilt models), marks them slow, and points the environment variables the tests read at
the studio.
"""

from __future__ import annotations

import gc
import os
import warnings
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

# testcase.py asks this when the test modules are imported, to skip the custom-text tests outside Azure's public
# cloud; the studio stands in for the public cloud's endpoint.
os.environ["AZURE_AUTHORITY_HOST"] = "https://login.microsoftonline.com"

SELECTED = {
    "test_custom_text.py": (
        "test_poller_metadata",
        "test_recognize_custom_entities",
        "test_recognize_custom_entities_continuation_token",
    ),
    "test_custom_text_async.py": (
        "test_poller_metadata",
        "test_recognize_custom_entities",
        "test_recognize_custom_entities_continuation_token",
    ),
    "test_analyze.py": (
        "test_disable_service_logs",
        "test_recognize_custom_entities",
        "test_custom_partial_error",
        "test_analyze_multiapi_validate_v3_1",
    ),
    "test_analyze_async.py": (
        "test_disable_service_logs",
        "test_recognize_custom_entities",
        "test_custom_partial_error",
        "test_analyze_multiapi_validate_v3_1",
    ),
    "test_custom_text_cancel.py": ("test_cancel", "test_cancel_fail_terminal_state"),
}
# Selected tests that need what the studio does not have: expected to fail, with this reason (strict: one that
# starts passing is reported).
NO_CLASSIFICATION = (
    "asserts ClassifyDocumentResult results for its CustomSingleLabelClassification and "
    "CustomMultiLabelClassification actions: the studio runs custom NER only and reports those tasks failed "
    "(test_mixed_task_kinds.py checks the test's custom-entity part)"
)
EXPECTED_FAILURES = {
    ("test_analyze.py", "test_custom_partial_error"): NO_CLASSIFICATION,
    ("test_analyze_async.py", "test_custom_partial_error"): NO_CLASSIFICATION,
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Keeps the selected tests of this folder (marked slow) and deselects its other ones."""
    kept, dropped = [], []
    for item in items:
        path = Path(str(item.path))
        if path.parent != HERE:
            kept.append(item)
            continue
        item.add_marker(pytest.mark.slow)
        if path.name not in SELECTED:
            kept.append(item)  # the studio's own tests here
        elif item.name in SELECTED[path.name]:
            # Some of the async tests never close their client: aiohttp warns when it frees the session.
            item.add_marker(pytest.mark.filterwarnings("ignore:Unclosed:ResourceWarning"))
            reason = EXPECTED_FAILURES.get((path.name, item.name))
            if reason:
                item.add_marker(pytest.mark.xfail(reason=reason, raises=AssertionError, strict=True))
            kept.append(item)
        else:
            dropped.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def azure_environment(live_studio, monkeypatch):
    """The environment variables the tests read, naming the studio's endpoint, key, project and deployment."""
    studio = live_studio  # a fresh one for each test
    values = {
        "TEXTANALYTICS_TEST_ENDPOINT": studio.endpoint,
        "TEXTANALYTICS_TEST_API_KEY": studio.key,
        "TEXTANALYTICS_CUSTOM_TEXT_ENDPOINT": studio.endpoint,
        "TEXTANALYTICS_CUSTOM_TEXT_KEY": studio.key,
        "TEXTANALYTICS_CUSTOM_ENTITIES_PROJECT_NAME": studio.project,
        "TEXTANALYTICS_CUSTOM_ENTITIES_DEPLOYMENT_NAME": studio.deployment,
    }
    # Custom text classification, which the studio does not run: its tasks in a job fail, each with its reason.
    for kind in ("SINGLE_LABEL", "MULTI_LABEL", "SINGLE_CATEGORY", "MULTI_CATEGORY"):
        values[f"TEXTANALYTICS_{kind}_CLASSIFY_PROJECT_NAME"] = f"{kind.lower().replace('_', '-')}-classify"
        values[f"TEXTANALYTICS_{kind}_CLASSIFY_DEPLOYMENT_NAME"] = "production"
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    yield
    # A session the test left in a reference cycle is collected here, rather than in whichever test runs when the
    # garbage collector next gets to it.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
