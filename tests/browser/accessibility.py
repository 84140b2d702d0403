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


def axe_violations(page, *, impacts=BLOCKING, within: str | None = None) -> list[dict]:
    """The violations of ``impacts`` axe finds once the page's animations have ended, in the
    whole page or in the element ``within`` selects."""
    page.evaluate(SETTLED)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    results = page.evaluate(
        """async (within) => await axe.run(
            within ? document.querySelector(within) : document, {resultTypes: ['violations']})""",
        within,
    )
    return [found for found in results["violations"] if found["impact"] in impacts]


def described(violations: list[dict]) -> str:
    lines = []
    for found in violations:
        lines.append(f"{found['impact']}: {found['id']}: {found['help']}")
        for node in found["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary']}")
    return "\n".join(lines)


def assert_accessible(page, *, within: str | None = None) -> None:
    """No serious or critical violation: the report names each rule and the nodes."""
    violations = axe_violations(page, within=within)
    assert not violations, "axe found:\n" + described(violations)


def assert_accessible_in_both_schemes(page, *, within: str | None = None) -> None:
    """No serious or critical violation, in light mode and in dark; light again after."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        try:
            assert_accessible(page, within=within)
        except AssertionError as error:
            raise AssertionError(f"{scheme} mode: {error}") from None
    page.emulate_media(color_scheme="light")
