"""axe-core in the browser tests: a page has no serious or critical accessibility violation.

axe-core is vendored beside the tests (scripts/vendor_static.sh), never fetched. It is put into
the page through the DevTools protocol, which the page's Content-Security-Policy does not govern,
so the page is checked as it is served."""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# Every animation that ends has ended: a message fading in is not yet its own colour, and
# positions are measured where things stop.
SETTLED = """() => Promise.all(document.getAnimations()
    .filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity)
    .map((animation) => animation.finished.catch(() => null)))"""


def axe_violations(page, *, impacts=BLOCKING) -> list[dict]:
    """The violations of ``impacts`` axe finds in the page once its animations have ended."""
    page.evaluate(SETTLED)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [found for found in results["violations"] if found["impact"] in impacts]


def described(violations: list[dict]) -> str:
    lines = []
    for found in violations:
        lines.append(f"{found['impact']}: {found['id']}: {found['help']}")
        for node in found["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary']}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """No serious or critical violation: the report names each rule and the nodes."""
    violations = axe_violations(page)
    assert not violations, "axe found:\n" + described(violations)
