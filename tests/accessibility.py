"""WCAG 2.1 AA checks with axe-core in Chromium, for the browser tests.

`assert_accessible(page, url)` opens the URL in a Playwright page, runs axe-core (installed
from npm into node_modules, never copied into the repository) with the WCAG 2.0/2.1 A and AA
rules, and fails on every violation of impact "serious" or "critical", naming the rule, the
elements and the help text. Swedish public-sector websites must meet WCAG 2.1 AA (lagen
(2018:1937) om tillgänglighet till digital offentlig service).
"""

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = frozenset({"serious", "critical"})
RUN = (
    "(tags) => axe.run(document, "
    "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """All of axe's violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a strict Content Security Policy allows it.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(RUN, TAGS)
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} – {v['helpUrl']}")
        for node in v["nodes"][:10]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary']}")
    return "\n".join(lines)


def assert_accessible(page: Any, url: str) -> None:
    """Open `url` and fail on any serious or critical WCAG 2.1 A/AA violation."""
    assert AXE.exists(), f"{AXE} is missing: run `npm ci`"
    response = page.goto(url)
    assert response is not None and response.ok, (url, response and response.status)
    page.wait_for_load_state("networkidle")
    blocking = [v for v in axe_violations(page) if v.get("impact") in BLOCKING]
    assert not blocking, f"accessibility violations on {url}:\n{describe(blocking)}"
