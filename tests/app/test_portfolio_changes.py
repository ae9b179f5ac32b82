"""``compare``: what changed between two portfolio states, whatever made them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.portfolio_changes import (
    DeliveryFacts,
    DependencyFacts,
    InitiativeFacts,
    PortfolioState,
    Propagated,
    compare,
)


def _initiative(code: str, **values: object) -> InitiativeFacts:
    facts = InitiativeFacts(
        code=code,
        segment="COORDINATE",
        phase="EXECUTION",
        status="GREEN",
        risk_level="GREEN",
        planned_start=date(2025, 1, 1),
        planned_end=date(2027, 1, 1),
        forecast_end=None,
    )
    return replace(facts, **values)  # type: ignore[arg-type]


def _state(
    *initiatives: InitiativeFacts,
    deliveries: tuple[DeliveryFacts, ...] = (),
    dependencies: tuple[DependencyFacts, ...] = (),
    propagation: dict[str, Propagated] | None = None,
    late: dict[tuple[str, str], int] | None = None,
    finish: date | None = None,
    chain: tuple[str, ...] = (),
) -> PortfolioState:
    return PortfolioState(
        initiatives={item.code: item for item in initiatives},
        deliveries={item.code: item for item in deliveries},
        dependencies={(item.supplier, item.dependant): item for item in dependencies},
        propagation=propagation or {},
        late=late or {},
        finish=finish,
        chain=chain,
    )


def test_a_state_compared_with_itself_has_no_changes() -> None:
    state = _state(
        _initiative("A"),
        deliveries=(DeliveryFacts("A-D1", "A", date(2026, 1, 1), date(2026, 2, 1)),),
        finish=date(2027, 1, 1),
        chain=("A",),
    )

    changes = compare(state, state)

    assert changes.status_changes == changes.delivery_slips == changes.late_changes == ()
    assert not changes.critical_path_change.changed


def test_status_risk_segment_and_phase_changes_name_before_and_after() -> None:
    before = _state(_initiative("A", status="YELLOW"), _initiative("B"))
    after = _state(
        _initiative("A", status="RED", risk_level="RED", segment="CO_GOVERN", phase="CLOSURE"),
        _initiative("B"),
    )

    changes = compare(before, after)

    assert [(c.code, c.before, c.after) for c in changes.status_changes] == [("A", "YELLOW", "RED")]
    assert [(c.code, c.after) for c in changes.risk_changes] == [("A", "RED")]
    assert [(c.before, c.after) for c in changes.segment_changes] == [("COORDINATE", "CO_GOVERN")]
    assert [(c.before, c.after) for c in changes.phase_changes] == [("EXECUTION", "CLOSURE")]


def test_initiatives_in_one_state_only_are_added_or_removed() -> None:
    changes = compare(
        _state(_initiative("A"), _initiative("B")), _state(_initiative("B"), _initiative("C"))
    )

    assert (changes.added_initiatives, changes.removed_initiatives) == (("C",), ("A",))
    assert changes.status_changes == ()


def test_delivery_slips_list_moved_forecasts_latest_slip_first() -> None:
    def delivery(code: str, forecast: date) -> DeliveryFacts:
        return DeliveryFacts(code, "A", date(2026, 1, 1), forecast)

    before = _state(
        _initiative("A"),
        deliveries=(
            delivery("A-D1", date(2026, 1, 1)),
            delivery("A-D2", date(2026, 1, 1)),
            delivery("A-D3", date(2026, 1, 1)),
        ),
    )
    after = _state(
        _initiative("A"),
        deliveries=(
            delivery("A-D1", date(2026, 1, 11)),
            delivery("A-D2", date(2026, 3, 2)),
            delivery("A-D3", date(2026, 1, 1)),
        ),
    )

    slips = compare(before, after).delivery_slips

    assert [(slip.code, slip.days) for slip in slips] == [("A-D2", 60), ("A-D1", 10)]
    assert slips[0].forecast_before == date(2026, 1, 1)


def test_dependencies_added_and_removed_compare_by_their_two_ends() -> None:
    kept = DependencyFacts("S", "A", "HIGH", None)
    before = _state(_initiative("A"), dependencies=(kept, DependencyFacts("T", "A", "LOW", None)))
    after = _state(
        _initiative("A"),
        dependencies=(replace(kept, criticality="LOW"), DependencyFacts("U", "A", "MEDIUM", None)),
    )

    changes = compare(before, after)

    assert [d.supplier for d in changes.dependencies_added] == ["U"]
    assert [d.supplier for d in changes.dependencies_removed] == ["T"]


def test_propagation_changes_give_the_sources_of_the_new_level_or_of_the_cleared_one() -> None:
    before = _state(
        _initiative("A"),
        _initiative("B"),
        propagation={"A": Propagated("YELLOW", ("X",)), "B": Propagated("RED", ("Y",))},
    )
    after = _state(
        _initiative("A"), _initiative("B"), propagation={"A": Propagated("RED", ("X", "Z"))}
    )

    changes = compare(before, after).propagation_changes

    assert [(c.code, c.before, c.after, c.sources) for c in changes] == [
        ("A", "YELLOW", "RED", ("X", "Z")),
        ("B", "RED", None, ("Y",)),
    ]


def test_late_changes_are_dependencies_that_became_late_or_stopped_being_late() -> None:
    before = _state(late={("S", "A"): -5, ("S", "B"): -3})
    after = _state(late={("S", "B"): -9, ("T", "C"): -1})

    changes = compare(before, after).late_changes

    assert [(c.supplier, c.dependant, c.became_late) for c in changes] == [
        ("S", "A", False),
        ("T", "C", True),
    ]


def test_the_critical_path_change_says_how_far_the_finish_moved() -> None:
    change = compare(
        _state(finish=date(2027, 1, 1), chain=("A",)),
        _state(finish=date(2027, 1, 31), chain=("B",)),
    ).critical_path_change

    assert (change.finish_moved_days, change.chain_before, change.chain_after) == (
        30,
        ("A",),
        ("B",),
    )
    assert change.changed


def test_a_state_survives_its_json_unchanged() -> None:
    state = _state(
        _initiative("A", forecast_end=date(2028, 1, 1)),
        deliveries=(DeliveryFacts("A-D1", "A", None, date(2026, 2, 1)),),
        dependencies=(DependencyFacts("S", "A", "HIGH", date(2026, 5, 1)),),
        propagation={"A": Propagated("RED", ("S",))},
        late={("S", "A"): -4},
        finish=date(2028, 1, 1),
        chain=("A",),
    )

    assert PortfolioState.from_json(state.to_json()) == state
