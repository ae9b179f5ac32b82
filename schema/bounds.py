"""How many items each list that grows with the portfolio answers: defaults and maxima.

Every such list takes ``first``: without it a document gets the first ``default`` items
(in the list's usual order), and ``first`` may ask for up to ``maximum``. A sibling count
field (``flaggedCount``, ``upstreamCount`` …) gives the total where a client needs it.
Short lists that do not grow with the portfolio (goals, labels, periods) stay plain.
The defaults are schema defaults, so the cost of a document (``schema/cost.py``) reads
them as it reads a ``first`` the document gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, TypeVar

import strawberry

from schema.errors import out_of_range

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Bound:
    """The items a list gives without ``first``, and the most ``first`` may ask for."""

    default: int
    maximum: int


PORTFOLIO_LIST = Bound(default=100, maximum=1_000)
"""Lists over the whole portfolio, or everything one node reaches: flagged initiatives,
reach, chains up- and downstream, schedule activities, late dependencies, what-if
answers, graph nodes and edges, the round summary's lists, a solution's dependants."""

NEIGHBOUR_LIST = Bound(default=50, maximum=500)
"""An initiative's direct dependencies and dependants, and the national solutions it
reaches: a handful in practice, so the default keeps every real list whole while a page
of 500 initiatives with their dependencies stays within the cost limit."""

PATH_LIST = Bound(default=10, maximum=100)
"""Per flagged initiative its sources and their paths, and the critical chains: each
item is a path, so pages are short."""

KEY_INITIATIVES = Bound(default=10, maximum=100)
"""``keyInitiatives``: a ranking, read from the top."""

AUDIT_PAGE = Bound(default=50, maximum=200)
"""A page of ``auditEvents`` (a connection, paged with ``after``)."""

SEARCH_PAGE = Bound(default=20, maximum=100)
"""A page of ``search`` hits (a connection, paged with ``after``): read from the top."""

WEBHOOK_PAGE = Bound(default=50, maximum=200)
"""A page of ``webhooks`` or ``webhookDeliveries`` (connections, paged with ``after``)."""


def _describe(bound: Bound) -> str:
    return f"How many items to return (default {bound.default}, at most {bound.maximum:,})."


FirstPortfolio = Annotated[int, strawberry.argument(description=_describe(PORTFOLIO_LIST))]
FirstNeighbour = Annotated[int, strawberry.argument(description=_describe(NEIGHBOUR_LIST))]
FirstPath = Annotated[int, strawberry.argument(description=_describe(PATH_LIST))]


def check_first(first: int, bound: Bound, *, argument: str = "first") -> int:
    """``first`` when it lies within the bound; a negative or larger one is the caller's."""
    if not 0 <= first <= bound.maximum:
        raise out_of_range(argument, first, 0, bound.maximum)
    return first


def first_page(items: Sequence[T], first: int, bound: Bound) -> Sequence[T]:
    """The first ``first`` of ``items`` after checking ``first`` against the bound."""
    return items[: check_first(first, bound)]


SHORT_LISTS: frozenset[tuple[str, str]] = frozenset(
    {
        # Reference data and enum labels: tens of rows, set by the portfolio office.
        ("Query", "strategicGoals"),
        ("Query", "sustainableDevelopmentGoals"),
        ("Query", "reportingPeriods"),
        ("Query", "solutions"),
        ("Query", "organisations"),
        ("Query", "labels"),
        ("Query", "councilMeetings"),
        ("CouncilMeeting", "decisions"),
        # One initiative's own records: a few per reporting round.
        ("Initiative", "entryCriteriaFlags"),
        ("Initiative", "illustrativeFields"),
        ("StatusReport", "illustrativeFields"),
        ("Initiative", "publishedFacts"),
        ("Initiative", "supportingGoals"),
        ("Initiative", "sustainableDevelopmentGoals"),
        ("Initiative", "developedSolutions"),
        ("Initiative", "decisions"),
        ("Initiative", "reports"),
        ("Initiative", "deliveries"),
        ("Initiative", "risks"),
        ("Initiative", "statusTrend"),  # bounded by its own `periods` (1-40)
        ("Solution", "developedBy"),
        # One path or cycle: as long as the graph is deep, not as it is wide.
        ("ChainNode", "path"),
        ("FoundationDependency", "path"),
        ("CriticalPath", "chainCodes"),
        ("CriticalPath", "chain"),
        ("CriticalPathChange", "chainBefore"),
        ("CriticalPathChange", "chainAfter"),
        ("DependencyCycleError", "cycle"),
        # Writes refuse cycles and imports check the whole file, so few ever load.
        ("Query", "dependencyCycles"),
        # One count per value of an enum, goal or organisation.
        ("PortfolioSummary", "byStatus"),
        ("PortfolioSummary", "byRisk"),
        ("PortfolioSummary", "bySegment"),
        ("PortfolioSummary", "byPhase"),
        ("PortfolioSummary", "byOwner"),
        ("PortfolioSummary", "goalCoverage"),
        ("PortfolioSummary", "sdgCoverage"),
        # Every try of one webhook delivery: a few dozen at most in its retry window.
        ("WebhookDelivery", "attempts"),
        ("Webhook", "events"),
        # A scenario's changes: at most ``app.scenarios.MAX_CHANGES`` (100).
        ("Scenario", "changes"),
        # A few words of one text.
        ("SearchHit", "snippetParts"),
        # The problems of one refused input.
        ("ValidationError", "problems"),
        # Capped when an event is derived: five sources, twenty writes.
        ("PropagatedRiskChangedEvent", "sourceCodes"),
        ("PropagatedRiskChangedEvent", "causes"),
        ("DependencyBecameLateEvent", "causes"),
    }
)
"""List fields that take no ``first`` because they stay short whatever the portfolio's size.

A connection's ``edges`` and ``nodes`` are its page and are not listed here.
"""
