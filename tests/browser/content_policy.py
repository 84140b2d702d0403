"""Content-Security-Policy violations in the browser tests: the page reports each one as an
event, collected from before any page script runs (``context.add_init_script``)."""

COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def violations(page) -> list[str]:
    """What the policy blocked on the page so far: "<directive> <what was blocked>" each."""
    return page.evaluate("window.__violations")
