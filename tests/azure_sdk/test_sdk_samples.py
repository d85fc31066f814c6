"""Two of azure-ai-textanalytics 5.4.0's samples (`samples/`, unmodified), run as a user runs them, against the
studio: the environment variables they read name its endpoint, key, project and deployment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent / "samples"


def run_sample(name: str, studio) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "AZURE_LANGUAGE_ENDPOINT": studio.endpoint,
        "AZURE_LANGUAGE_KEY": studio.key,
        "CUSTOM_ENTITIES_PROJECT_NAME": studio.project,
        "CUSTOM_ENTITIES_DEPLOYMENT_NAME": studio.deployment,
    }
    return subprocess.run(
        [sys.executable, str(SAMPLES / name)], env=env, capture_output=True, text=True, timeout=300, cwd=SAMPLES
    )


def test_sample_recognize_custom_entities_runs(live_studio):
    done = run_sample("sample_recognize_custom_entities.py", live_studio)
    assert done.returncode == 0, done.stderr
    # The tiny test model may find nothing in the sample's loan agreement; whatever it finds is printed as entities.
    assert all(line.startswith("Entity '") and "' has category '" in line for line in done.stdout.splitlines())
    assert "Is an error" not in done.stdout


def test_sample_analyze_actions_reaches_the_job_and_names_each_action_the_studio_does_not_run(live_studio):
    """The sample's five actions are Azure's prebuilt ones, none of which the studio runs: the job records each as a
    failed task, so it fails as a job whose tasks all fail does on Azure, and the SDK raises with every task's
    reason (it returns results only for a job that succeeded or partially completed)."""
    done = run_sample("sample_analyze_actions.py", live_studio)
    assert done.returncode == 1
    assert "azure.core.exceptions.HttpResponseError" in done.stderr
    for index, kind in enumerate(
        ["EntityRecognition", "PiiEntityRecognition", "KeyPhraseExtraction", "EntityLinking", "SentimentAnalysis"]
    ):
        assert f"(InvalidRequest) Task '{index}' was not run: its kind, {kind}, is not one" in done.stderr
