import networkx as nx
import pytest

from graph import (
    DependencyType,
    DuplicateNode,
    InvalidDependency,
    NodeKind,
    NodeNotFound,
    build_dependency_graph,
)
from tests.graph.builders import HIGH, LOW, MEDIUM, day, depends, initiative, portfolio, solution


def test_nodes_are_keyed_by_code_with_kind_and_record() -> None:
    # given an initiative and a solution
    pll, kj = initiative("PLL", start=0, end=10), solution("KJ")

    # when the graph is built
    graph = portfolio(initiatives=[pll], solutions=[kj])

    # then each node carries its kind and its input record
    assert graph.nodes["PLL"] == {"kind": NodeKind.INITIATIVE, "data": pll}
    assert graph.nodes["KJ"] == {"kind": NodeKind.SOLUTION, "data": kj}


def test_edge_runs_from_supplier_to_dependant_with_attributes() -> None:
    graph = portfolio(
        initiatives=["PLL"],
        solutions=["KJ"],
        dependencies=[
            depends(
                "KJ",
                "PLL",
                MEDIUM,
                type=DependencyType.FINISH_TO_FINISH,
                lag=5,
                needed_by=30,
                delivery="KJ-R1",
                delivery_forecast=20,
            )
        ],
    )

    assert list(graph.edges) == [("KJ", "PLL")]
    assert graph.edges["KJ", "PLL"] == {
        "criticality": MEDIUM,
        "type": DependencyType.FINISH_TO_FINISH,
        "lag_days": 5,
        "needed_by": day(30),
        "supplier_delivery": "KJ-R1",
        "supplier_delivery_forecast": day(20),
        "development": False,
    }


def test_development_adds_high_edge_from_initiative_to_solution() -> None:
    graph = portfolio(
        initiatives=["HAP-PROG"], solutions=["HAP"], developments=[("HAP-PROG", "HAP")]
    )

    attributes = graph.edges["HAP-PROG", "HAP"]
    assert attributes["criticality"] == HIGH
    assert attributes["type"] == DependencyType.FINISH_TO_START
    assert attributes["lag_days"] == 0
    assert attributes["development"] is True


def test_duplicate_dependency_keeps_the_stronger_criticality() -> None:
    graph = portfolio(
        initiatives=["A", "B"],
        dependencies=[depends("A", "B", LOW), depends("A", "B", HIGH), depends("A", "B", MEDIUM)],
    )

    assert graph.edges["A", "B"]["criticality"] == HIGH


def test_graph_does_not_depend_on_input_order() -> None:
    dependencies = [depends("A", "C"), depends("B", "C", LOW), depends("KJ", "A")]

    forwards = portfolio(initiatives=["A", "B", "C"], solutions=["KJ"], dependencies=dependencies)
    backwards = portfolio(
        initiatives=["C", "B", "A"], solutions=["KJ"], dependencies=dependencies[::-1]
    )

    assert list(forwards.nodes) == list(backwards.nodes) == ["A", "B", "C", "KJ"]
    assert list(forwards.edges(data=True)) == list(backwards.edges(data=True))


def test_edges_are_stored_as_networkx_stores_added_edges() -> None:
    graph = portfolio(
        initiatives=["A", "B", "C"],
        solutions=["KJ"],
        dependencies=[depends("A", "C"), depends("B", "C", LOW), depends("KJ", "A")],
    )

    added = nx.DiGraph()
    added.add_nodes_from(graph.nodes(data=True))
    added.add_edges_from(graph.edges(data=True))

    assert nx.utils.graphs_equal(graph, added)
    assert list(graph.pred["C"]) == list(added.pred["C"]) == ["A", "B"]
    # one attribute dict per edge, the same under both of its ends
    assert all(graph.succ[u][v] is graph.pred[v][u] for u, v in graph.edges)
    assert len({id(data) for *_, data in graph.edges(data=True)}) == graph.number_of_edges()


def test_dependency_on_unknown_code_raises_node_not_found() -> None:
    with pytest.raises(NodeNotFound) as raised:
        portfolio(initiatives=["PLL"], dependencies=[depends("NOPE", "PLL")])

    assert raised.value.code == "NOPE"


def test_development_of_unknown_solution_raises_node_not_found() -> None:
    with pytest.raises(NodeNotFound, match="'HAP'"):
        portfolio(initiatives=["HAP-PROG"], developments=[("HAP-PROG", "HAP")])


def test_code_shared_by_initiative_and_solution_raises_duplicate_node() -> None:
    with pytest.raises(DuplicateNode, match="'KJ'"):
        portfolio(initiatives=["KJ"], solutions=["KJ"])


def test_solution_as_dependant_raises_invalid_dependency() -> None:
    with pytest.raises(InvalidDependency, match="dependant must be an initiative"):
        portfolio(initiatives=["PLL"], solutions=["KJ"], dependencies=[depends("PLL", "KJ")])


def test_build_accepts_any_iterables() -> None:
    graph = build_dependency_graph(
        initiatives=(node for node in [initiative("A"), initiative("B")]),
        solutions=iter(()),
        dependencies=iter([depends("A", "B")]),
    )

    assert list(graph.edges) == [("A", "B")]
    assert graph.nodes["A"]["data"].planned_start is None


def test_dependency_layers_put_every_dependant_right_of_its_suppliers() -> None:
    import networkx as nx

    from graph import dependency_layers

    graph = nx.DiGraph([("A", "B"), ("B", "C"), ("A", "C"), ("D", "C")])

    layers = dependency_layers(graph)

    assert layers == {"A": 0, "B": 1, "C": 2, "D": 0}
    assert all(layers[u] < layers[v] for u, v in graph.edges)


def test_dependency_layers_share_a_layer_across_a_cycle() -> None:
    import networkx as nx

    from graph import dependency_layers

    graph = nx.DiGraph([("A", "B"), ("B", "C"), ("C", "B"), ("C", "D")])

    layers = dependency_layers(graph)

    assert layers["B"] == layers["C"] == 1
    assert layers["D"] == 2
