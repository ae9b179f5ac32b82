"""The synthetic generator: deterministic, a DAG, and loadable."""

from __future__ import annotations

import networkx as nx

from seeds.synthetic import generate_portfolio


def dependency_graph(size: int, seed: int) -> nx.DiGraph:
    graph = nx.DiGraph()
    for initiative in generate_portfolio(size, seed=seed).initiatives:
        graph.add_node(initiative["code"])
        for dependency in initiative["dependencies"]:
            graph.add_edge(dependency["supplier"], initiative["code"])
    return graph


def test_the_same_seed_gives_the_same_portfolio() -> None:
    assert generate_portfolio(200, seed=3) == generate_portfolio(200, seed=3)


def test_another_seed_gives_another_portfolio() -> None:
    assert generate_portfolio(200, seed=3) != generate_portfolio(200, seed=4)


def test_dependencies_form_a_dag_of_about_three_per_initiative() -> None:
    graph = dependency_graph(2000, seed=1)
    initiatives = [node for node in graph if str(node).startswith("SYN-")]

    assert len(initiatives) == 2000
    assert nx.is_directed_acyclic_graph(graph)
    assert 2.5 <= graph.number_of_edges() / 2000 <= 3.5
    on_solutions = sum(1 for supplier, _ in graph.edges if not supplier.startswith("SYN-"))
    assert 0.15 <= on_solutions / graph.number_of_edges() <= 0.4


def test_reports_span_eight_periods_and_obey_the_segment_rules() -> None:
    portfolio = generate_portfolio(300, seed=2)

    assert len(portfolio.reporting_periods) == 8
    for initiative in portfolio.initiatives:
        assert initiative["deliveries"]
        for report in initiative["reports"]:
            if report["status"] != "GREEN":
                assert report["status_reason"]
            if initiative["segment"] != "OBSERVE":
                assert report["risk_level"]
            if initiative["segment"] == "CO_GOVERN":
                assert report["investment_nok"] is not None
