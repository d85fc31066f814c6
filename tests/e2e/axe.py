"""axe-core in the page under test: the npm package (`package.json`, installed by `make test`), never a copy in
`static/`. A page passes when axe finds no violation of impact serious or critical, and none of the landmark
rules (axe rates those moderate, but a page whose content sits outside header, nav and main is hard to move
around with a screen reader)."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent.parent.parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
LANDMARK_RULES = ("region", "landmark-")  # `region` and every `landmark-*` rule


def blocking_violations(page) -> list[dict]:
    """Runs axe on the page as it stands; returns the serious and critical violations and the landmark ones."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` in the repository root (`make test` does it).")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in BLOCKING or v["id"].startswith(LANDMARK_RULES)]


def describe(violations: list[dict]) -> str:
    """A report a person can act on: each rule, why, and where (at most five elements each)."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']} {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)
