"""schemathesis drives a live studio from its own OpenAPI description (`/api/openapi.json`): no request, however
malformed, gets a 5xx, and no answer breaks the description (every error Azure's JSON, on every path)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_description(deployed, start_web, tmp_path):
    web, _ = start_web("web.log", threads=8)
    command = [
        str(Path(sys.executable).parent / "st"), "run", f"{web.url}/api/openapi.json",
        "--checks", CHECKS, "--max-examples", "8", "--request-timeout", "60", "--generation-deterministic",
        "--header", f"Ocp-Apim-Subscription-Key: {web.key}", "--no-color",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    print(done.stdout[-3000:])
    assert done.returncode == 0, done.stdout[-12000:] + done.stderr[-3000:]
