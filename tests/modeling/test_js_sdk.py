"""Azure's JavaScript client, `@azure/ai-language-text` 1.1.0 on Node 20 (`package.json`, installed by `npm ci`),
unchanged, against the live studio: `tests/js/custom_ner.mjs` runs a `beginAnalyzeBatch` job of
`CustomEntityRecognition` actions on emoji text, and every offset it gets back must slice the text exactly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import regex

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "tests" / "js" / "custom_ner.mjs"
CLIENT = ROOT / "node_modules" / "@azure" / "ai-language-text"


UNITS = ("TextElements_v8", "Utf16CodeUnit", "UnicodeCodePoint")


def sliced(text: str, offset: int, length: int, unit: str) -> str:
    if unit == "Utf16CodeUnit":
        units = text.encode("utf-16-le")
        return units[2 * offset : 2 * (offset + length)].decode("utf-16-le")
    if unit == "TextElements_v8":
        return "".join(regex.findall(r"\X", text)[offset : offset + length])
    return text[offset : offset + length]


@pytest.mark.slow
def test_the_javascript_client_gets_exact_offsets_from_a_custom_ner_batch(live_studio):
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js 20 is missing (`node` is not on PATH).")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < 20:
        pytest.fail(f"Azure's JavaScript client needs Node.js 20 or later; `node` is {version}.")
    if not CLIENT.exists():
        pytest.fail(f"{CLIENT} is missing: run `npm ci` in the repository root (`make test-all` does it).")
    env = {
        **os.environ,
        "LANGUAGE_ENDPOINT": live_studio.endpoint,
        "LANGUAGE_API_KEY": live_studio.key,
        "CUSTOM_ENTITIES_PROJECT_NAME": live_studio.project,
        "CUSTOM_ENTITIES_DEPLOYMENT_NAME": live_studio.deployment,
    }
    done = subprocess.run([node, str(SCRIPT)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["status"] == "succeeded"
    texts = {document["id"]: document["text"] for document in result["documents"]}
    found: dict[str, dict[tuple[str, str, str], int]] = {unit: {} for unit in UNITS}
    for entity in result["entities"]:
        unit = entity["action"]  # each action is named for its unit
        assert sliced(texts[entity["id"]], entity["offset"], entity["length"], unit) == entity["text"], entity
        assert entity["category"] in {"Lender", "Borrower", "Amount"} and 0 < entity["confidenceScore"] <= 1
        found[unit][entity["id"], entity["text"], entity["category"]] = entity["offset"]
    entities = found["Utf16CodeUnit"].keys()
    assert len(entities) >= 6 and all(found[unit].keys() == entities for unit in UNITS)
    # An entity after an emoji sits at another offset in each unit: the client got each unit's own.
    assert any(len({found[unit][key] for unit in UNITS}) == 3 for key in entities)
