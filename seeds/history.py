"""What the seed's rounds knew: history rows for the initiatives, deliveries and dependencies.

A round knew what its reports said of the initiative (forecast end, phase, segment) and
what the initiative's ``history`` entry for that round says (the same keys, plus
``planned_start``, ``planned_end``, ``state`` and ``deliveries`` by code: a forecast
date, or ``{forecast, status, delivered, baseline}``). The earliest round's values hold
for every round before it; the initiative's own values hold from the latest round on. A
dependency may name the round it was added in (``since``); ``removed_dependencies`` are
those given up, each with the round it was removed in (``until``). A history row whose
values differ from today's is marked ``illustrative``: the earlier rounds' values are
invented for the demo, like the seed's other unpublished values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]


class UnknownPeriod(ValueError):
    """A history entry names a round the seed does not hold."""


def lookup(ids: dict[str, int], code: str, *, what: str, where: str) -> int:
    try:
        return ids[code]
    except KeyError:
        raise UnknownPeriod(f"{where}: unknown {what} {code!r}") from None


INITIATIVE_KEYS = ("segment", "phase", "state", "planned_start", "planned_end", "forecast_end")
REPORTED_KEYS = ("forecast_end", "phase", "segment")
"""What a seed report says of its initiative, and so what its round knew."""
DELIVERY_KEYS = {
    "baseline": "baseline_date",
    "forecast": "forecast_date",
    "delivered": "delivered_date",
    "status": "status",
}


@dataclass
class HistoryRows:
    initiatives: list[Row] = field(default_factory=list)
    deliveries: list[Row] = field(default_factory=list)
    dependencies: list[Row] = field(default_factory=list)


def history_rows(
    specs: Sequence[Row],
    *,
    initiatives: dict[Any, int],
    deliveries: dict[Any, int],
    periods: Sequence[tuple[str, int]],
) -> HistoryRows:
    """The history of ``specs``; ``periods`` are (code, id) in the order the rounds opened."""
    rows = HistoryRows()
    order = {code: position for position, (code, _) in enumerate(periods)}
    ids = dict(periods)
    latest = periods[-1][0] if periods else None
    for spec in specs:
        entries = _entries(spec, order, latest, where=f"{spec['code']}.history")
        points: list[tuple[int | None, Row]] = [(None, entries[0] if entries else {})]
        points += [(ids[entry["period"]], entry) for entry in entries[1:]]
        if entries and latest is not None:
            points.append((ids[latest], {}))
        _initiative_history(rows, spec, initiatives[spec["code"]], points)
        for item in spec.get("deliveries") or ():
            _delivery_history(rows, item, deliveries[item["code"]], points)
        _dependency_history(rows, spec, ids, where=f"{spec['code']}.dependencies")
    return rows


def _entries(spec: Row, order: dict[str, int], latest: str | None, *, where: str) -> list[Row]:
    """What each round before the latest knew, oldest first: each report's forecast end,
    phase and segment, then the ``history`` entry of the round."""
    by_period: dict[str, Row] = {}
    for report in spec.get("reports") or ():
        known = {key: report[key] for key in REPORTED_KEYS if report.get(key) is not None}
        by_period.setdefault(report["period"], {}).update(known)
    for entry in spec.get("history") or ():
        if entry["period"] not in order:
            raise UnknownPeriod(f"{where}: unknown period {entry['period']!r}")
        by_period.setdefault(entry["period"], {}).update(entry)
    return [
        {**values, "period": period}
        for period, values in sorted(by_period.items(), key=lambda item: order[item[0]])
        if period != latest
    ]


def _initiative_history(
    rows: HistoryRows,
    spec: Row,
    initiative_id: int,
    points: list[tuple[int | None, Row]],
) -> None:
    current = {key: spec.get(key) for key in INITIATIVE_KEYS}
    current["state"] = current["state"] or "ACTIVE"
    previous: Row | None = None
    for period_id, entry in points:
        values = {**current, **{key: entry[key] for key in INITIATIVE_KEYS if key in entry}}
        if values != previous:
            rows.initiatives.append(
                {
                    "initiative_id": initiative_id,
                    "period_id": period_id,
                    "illustrative": values != current,
                    **values,
                }
            )
        previous = values


def _delivery_history(
    rows: HistoryRows,
    item: Row,
    delivery_id: int,
    points: list[tuple[int | None, Row]],
) -> None:
    current = {column: item.get(key) for key, column in DELIVERY_KEYS.items()}
    current["status"] = current["status"] or "PLANNED"
    previous: Row | None = None
    for period_id, entry in points:
        given = (entry.get("deliveries") or {}).get(item["code"])
        if given is not None and not isinstance(given, dict):
            given = {"forecast": given}
        values = {
            **current,
            **{DELIVERY_KEYS[key]: value for key, value in (given or {}).items()},
        }
        if values != previous:
            rows.deliveries.append(
                {
                    "delivery_id": delivery_id,
                    "period_id": period_id,
                    "illustrative": values != current,
                    **values,
                }
            )
        previous = values


def _dependency_history(rows: HistoryRows, spec: Row, ids: dict[str, int], *, where: str) -> None:
    for item in spec.get("dependencies") or ():
        since = item.get("since")
        rows.dependencies.append(
            _dependency(
                spec["code"],
                item,
                period_id=lookup(ids, since, what="period", where=where) if since else None,
                present=True,
                illustrative=since is not None,
            )
        )
    for item in spec.get("removed_dependencies") or ():
        rows.dependencies.append(
            _dependency(spec["code"], item, period_id=None, present=True, illustrative=True)
        )
        rows.dependencies.append(
            _dependency(
                spec["code"],
                item,
                period_id=lookup(ids, item["until"], what="period", where=where),
                present=False,
                illustrative=True,
            )
        )


def _dependency(
    dependant: str, item: Row, *, period_id: int | None, present: bool, illustrative: bool
) -> Row:
    return {
        "dependant_code": dependant,
        "supplier_code": item["supplier"],
        "period_id": period_id,
        "present": present,
        "criticality": item.get("criticality", "MEDIUM"),
        "type": item.get("type", "FINISH_TO_START"),
        "lag_days": item.get("lag_days", 0),
        "needed_by": item.get("needed_by"),
        "supplier_delivery_code": item.get("supplier_delivery"),
        "illustrative": illustrative,
    }
