"""axe-core in the page under test: the WCAG 2.0 and 2.1 A and AA rules, serious or critical.

axe-core is vendored for the tests only (``tests/browser/vendor/``, see its README); the
service never serves it.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_VERSION = "4.10.2"
AXE_SHA256 = "b511cd9dec01c76f4b2ad1723b66b6db37d4c2eb4ed199076e1829d9ee7b75e3"
AXE = Path(__file__).parent / "vendor" / f"axe-core@{AXE_VERSION}" / "axe.min.js"
WCAG_A_AND_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


@cache
def axe_source() -> str:
    """The pinned axe-core, checked against its hash before any page sees it."""
    data = AXE.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != AXE_SHA256:
        raise AssertionError(f"{AXE} is not axe-core {AXE_VERSION} as pinned (sha256 {digest})")
    return data.decode("utf-8")


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """The serious and critical violations of WCAG 2.0/2.1 A and AA rules (experimental ones
    included) axe-core finds in the page as it stands, each with its rule, impact, help
    text and the first few elements it names."""
    if not page.evaluate("typeof window.axe === 'object'"):
        # Evaluated by the DevTools protocol, so the pages' Content Security Policy does not
        # apply: the service's pages need not allow test code.
        page.evaluate(f"() => {{ {axe_source()}\n; window.axe = axe; }}")
    violations: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            // axe-core marks some WCAG rules experimental and leaves them out unless asked
            // (label-content-name-mismatch, WCAG 2.5.3, among them): ask for them, then keep
            // the WCAG 2.0/2.1 A and AA rules only.
            const result = await axe.run(document, {
                runOnly: { type: "tag", values: [...tags, "experimental"] },
                resultTypes: ["violations"],
            });
            return result.violations
              .filter((violation) => violation.tags.some((tag) => tags.includes(tag)))
              .map((violation) => ({
                id: violation.id,
                impact: violation.impact,
                help: violation.help,
                count: violation.nodes.length,
                targets: violation.nodes.slice(0, 5).map((node) => node.target.join(" ")),
            }));
        }""",
        WCAG_A_AND_AA,
    )
    return [violation for violation in violations if violation["impact"] in BLOCKING]


def sideways_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scroll)."""
    overflow: int = page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )
    return overflow
