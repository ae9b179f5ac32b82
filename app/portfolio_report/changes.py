"""The report's "Endringer siden forrige runde": the round compared with the one before.

The same comparison as ``portfolioChanges(from: previous, to: round)``: both rounds as
they knew the portfolio (``app.portfolio_state``), compared by
``app.portfolio_changes.compare``; the report shows the changes the councils ask about
first — status and risk, slipped deliveries, newly red propagation, the critical path.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.analysis import Analysis, Read
from app.portfolio_changes import (
    CriticalPathChange,
    DeliverySlip,
    PortfolioChanges,
    PortfolioState,
    PropagationChange,
    ValueChange,
    compare,
)
from app.portfolio_state import state_from, state_of_round
from app.repository import Row, state_rows

SEVERITY = {None: 0, "GREEN": 1, "YELLOW": 2, "RED": 3}


@dataclass(frozen=True, slots=True)
class RoundChanges:
    """What changed since the round before, as the report shows it."""

    previous_code: str
    worsened: tuple[ValueChange, ...]
    improved: tuple[ValueChange, ...]
    risk_changes: tuple[ValueChange, ...]
    slips: tuple[DeliverySlip, ...]
    """Forecasts that moved later, the longest slip first."""
    newly_red: tuple[PropagationChange, ...]
    """Initiatives that propagation flags RED now and did not before."""
    critical_path: CriticalPathChange
    added: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (
            self.worsened
            or self.improved
            or self.risk_changes
            or self.slips
            or self.newly_red
            or self.critical_path.changed
            or self.added
            or self.removed
        )


def round_changes(changes: PortfolioChanges, previous_code: str) -> RoundChanges:
    """The report's selection of ``changes``."""
    statuses = changes.status_changes
    return RoundChanges(
        previous_code=previous_code,
        worsened=tuple(c for c in statuses if SEVERITY[c.after] > SEVERITY[c.before]),
        improved=tuple(c for c in statuses if SEVERITY[c.after] < SEVERITY[c.before]),
        risk_changes=changes.risk_changes,
        slips=tuple(slip for slip in changes.delivery_slips if slip.days > 0),
        newly_red=tuple(
            change
            for change in changes.propagation_changes
            if change.after == "RED" and change.before != "RED"
        ),
        critical_path=changes.critical_path_change,
        added=changes.added_initiatives,
        removed=changes.removed_initiatives,
    )


async def gather_changes(
    read: Read,
    analysis: Analysis,
    *,
    period: Row,
    previous: Row | None,
    current: bool,
) -> RoundChanges | None:
    """``period`` compared with ``previous`` (None when there is no round before).

    ``analysis`` is the current data version's; ``current`` says whether ``period`` is
    the current round, whose state is the portfolio as it is.
    """
    if previous is None:
        return None
    before = await state_of_round(read, analysis, previous.opens)
    after: PortfolioState
    if current:
        after = await state_from(read, analysis, await read(state_rows), period_opens=period.opens)
    else:
        after = await state_of_round(read, analysis, period.opens)
    return round_changes(compare(before, after), previous.code)
