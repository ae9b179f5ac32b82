import dataclasses
import html
import io
import re
from typing import Any

import networkx as nx
import pytest

from graph import Direction, ExportFormat, NodeNotFound, export_graph, subgraph
from tests.graph.builders import LOW, MEDIUM, depends, initiative, portfolio, solution


def sample() -> nx.DiGraph:
    return portfolio(
        initiatives=[initiative("PLL", start=0, end=100), initiative("HP", start=10, end=50)],
        solutions=[solution("KJ", "NATIONAL_EHEALTH_SOLUTION")],
        dependencies=[
            depends("KJ", "PLL", needed_by=20, delivery="KJ-R1", delivery_forecast=15),
            depends("PLL", "HP", MEDIUM, lag=3),
        ],
    )


def test_graphml_round_trips_through_networkx() -> None:
    text = export_graph(sample(), format=ExportFormat.GRAPHML)

    parsed = nx.read_graphml(io.BytesIO(text.encode()))

    assert sorted(parsed.edges) == [("KJ", "PLL"), ("PLL", "HP")]
    assert parsed.nodes["KJ"] == {
        "kind": "SOLUTION",
        "name": "Solution KJ",
        "category": "NATIONAL_EHEALTH_SOLUTION",
    }
    assert parsed.nodes["PLL"]["planned_start"] == "2025-01-06"
    assert parsed.edges["PLL", "HP"] == {
        "criticality": "MEDIUM",
        "dependency_type": "FINISH_TO_START",
        "lag_days": 3,
        "development": False,
    }
    assert parsed.edges["KJ", "PLL"]["supplier_delivery_forecast"] == "2025-01-21"


def test_gexf_round_trips_through_networkx() -> None:
    text = export_graph(sample(), format=ExportFormat.GEXF)

    parsed = nx.read_gexf(io.BytesIO(text.encode()))

    assert sorted(parsed.edges) == [("KJ", "PLL"), ("PLL", "HP")]
    assert parsed.nodes["HP"]["kind"] == "INITIATIVE"
    assert parsed.edges["KJ", "PLL"]["criticality"] == "HIGH"
    assert parsed.edges["KJ", "PLL"]["needed_by"] == "2025-01-26"


def test_gexf_leaves_out_the_date_of_writing() -> None:
    assert "lastmodifieddate" not in export_graph(sample(), format=ExportFormat.GEXF)


def test_dot_lists_quoted_nodes_and_styled_edges() -> None:
    text = export_graph(sample(), format=ExportFormat.DOT)

    lines = text.splitlines()
    assert lines[0] == "digraph dependencies {"
    assert lines[-1] == "}"
    assert (
        '    "KJ" [label="KJ\\nSolution KJ", kind="SOLUTION", name="Solution KJ",'
        ' category="NATIONAL_EHEALTH_SOLUTION", shape=ellipse];'
    ) in lines
    assert any(
        line.startswith('    "PLL" -> "HP" [criticality="MEDIUM"') and "style=solid" in line
        for line in lines
    )


def test_dot_escapes_quotes_and_backslashes() -> None:
    graph = portfolio(initiatives=[initiative('A"\\B')])

    text = export_graph(graph, format=ExportFormat.DOT)

    assert '    "A\\"\\\\B" [label="A\\"\\\\B\\nInitiative A\\"\\\\B"' in text


def test_mermaid_draws_a_flowchart_with_safe_ids() -> None:
    graph = portfolio(
        initiatives=["end", "SFM-UTV"],
        solutions=["SFM"],
        dependencies=[depends("SFM", "SFM-UTV", LOW), depends("SFM-UTV", "end", MEDIUM)],
    )

    lines = export_graph(graph, format=ExportFormat.MERMAID).splitlines()

    assert lines == [
        "flowchart LR",
        '    nSFM[("SFM: Solution SFM")]',
        '    nSFM_2d_UTV["SFM-UTV: Initiative SFM-UTV"]',
        '    nend["end: Initiative end"]',
        "    nSFM -.->|LOW| nSFM_2d_UTV",
        "    nSFM_2d_UTV -->|MEDIUM| nend",
    ]


def test_mermaid_ids_of_distinct_codes_never_collide() -> None:
    graph = portfolio(initiatives=["A-B", "A_B", "A_2d_B"])

    lines = export_graph(graph, format=ExportFormat.MERMAID).splitlines()[1:]

    assert len({line.split("[")[0] for line in lines}) == 3


@pytest.mark.parametrize("export_format", list(ExportFormat))
def test_export_is_deterministic_whatever_the_insertion_order(
    export_format: ExportFormat,
) -> None:
    forwards = sample()
    backwards = nx.DiGraph()
    backwards.add_nodes_from(reversed(list(forwards.nodes(data=True))))
    backwards.add_edges_from(reversed(list(forwards.edges(data=True))))

    assert export_graph(forwards, format=export_format) == export_graph(
        backwards, format=export_format
    )


def test_subgraph_upstream_keeps_ancestors_and_their_edges() -> None:
    graph = sample()

    assert sorted(subgraph(graph, "HP", direction=Direction.UPSTREAM).edges) == [
        ("KJ", "PLL"),
        ("PLL", "HP"),
    ]


def test_subgraph_downstream_with_max_depth() -> None:
    graph = sample()

    kept = subgraph(graph, "KJ", direction=Direction.DOWNSTREAM, max_depth=1)

    assert sorted(kept) == ["KJ", "PLL"]


def test_subgraph_both_ways_is_a_copy() -> None:
    graph = sample()

    kept = subgraph(graph, "PLL")
    kept.remove_node("HP")

    assert sorted(kept) == ["KJ", "PLL"]
    assert "HP" in graph


def test_subgraph_of_unknown_root_raises_node_not_found() -> None:
    with pytest.raises(NodeNotFound):
        subgraph(sample(), "NOPE")


# Every character some format treats specially, and text that looks like an escape already.
AWKWARD_CODE = 'P&L#"<L>'
AWKWARD_NAME = (
    "A & B #1 \"double\" 'single' <b>x</b> line\nbreak\r\nwindows\\back | ; {} [] : "
    "`tick` &amp; #35; &#13; \\n %% blåbær"
)


def awkward_graph() -> nx.DiGraph:
    named = dataclasses.replace(initiative(AWKWARD_CODE, start=0, end=10), name=AWKWARD_NAME)
    return portfolio(
        initiatives=[named],
        solutions=[solution("KJ")],
        dependencies=[depends("KJ", AWKWARD_CODE)],
    )


def read_xml_name(text: str, read: Any) -> tuple[str, str]:
    parsed = read(io.BytesIO(text.encode()))
    ((_supplier, dependant),) = parsed.edges
    return dependant, parsed.nodes[dependant]["name"]


# DOT: a statement per line; a quoted ID escapes only \\, \" and \n, the rest as entities.
DOT_ID = r'"(?:[^"\\\r\n]|\\[\\"n])*"'
DOT_ATTRIBUTE = rf"(\w+)=({DOT_ID}|\w+)"
DOT_ATTRIBUTES = rf"{DOT_ATTRIBUTE}(?:, {DOT_ATTRIBUTE})*"
DOT_NODE = re.compile(rf"    ({DOT_ID}) \[({DOT_ATTRIBUTES})\];")
DOT_EDGE = re.compile(rf"    ({DOT_ID}) -> ({DOT_ID}) \[({DOT_ATTRIBUTES})\];")
DOT_FRAME = {"digraph dependencies {", "    rankdir=LR;", "    node [shape=box];", "}"}


def dot_text(quoted: str) -> str:
    unescaped = re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], quoted[1:-1])
    return html.unescape(unescaped)


def read_dot_name(text: str) -> tuple[str, str]:
    nodes: dict[str, dict[str, str]] = {}
    edges = []
    for line in text.splitlines():
        if node := DOT_NODE.fullmatch(line):
            attributes = re.findall(DOT_ATTRIBUTE, node[2])
            nodes[dot_text(node[1])] = {key: dot_text(value) for key, value in attributes}
        elif edge := DOT_EDGE.fullmatch(line):
            edges.append((dot_text(edge[1]), dot_text(edge[2])))
        else:
            assert line in DOT_FRAME, f"not a DOT statement: {line!r}"
    ((_supplier, dependant),) = edges
    assert nodes[dependant]["label"] == f"{dependant}\n{nodes[dependant]['name']}"
    return dependant, nodes[dependant]["name"]


# Mermaid: ids of ASCII letters, digits and _; labels of plain characters and #<n>; entities.
MERMAID_ID = r"n[A-Za-z0-9_]+"
MERMAID_TEXT = r"(?:[\w .,()/-]|#\d+;)*"
MERMAID_NODE = re.compile(
    rf'    ({MERMAID_ID})(?:\["({MERMAID_TEXT}: {MERMAID_TEXT})"\]'
    rf'|\[\("({MERMAID_TEXT}: {MERMAID_TEXT})"\)\])'
)
MERMAID_EDGE = re.compile(rf"    ({MERMAID_ID}) (?:==>|-->|-\.->)(?:\|\w+\|)? ({MERMAID_ID})")


def mermaid_id(text: str) -> str:
    return re.sub(r"_([0-9a-f]+)_", lambda m: chr(int(m[1], 16)), text[1:])


def mermaid_text(text: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m[1])), text)


def read_mermaid_name(text: str) -> tuple[str, str]:
    labels: dict[str, str] = {}
    edges = []
    for line in text.splitlines()[1:]:
        if node := MERMAID_NODE.fullmatch(line):
            labels[mermaid_id(node[1])] = mermaid_text(node[2] or node[3])
        elif edge := MERMAID_EDGE.fullmatch(line):
            edges.append((mermaid_id(edge[1]), mermaid_id(edge[2])))
        else:
            raise AssertionError(f"not a Mermaid statement: {line!r}")
    ((_supplier, dependant),) = edges
    code, _, name = labels[dependant].partition(": ")
    assert code == dependant
    return dependant, name


def test_every_format_reads_back_a_name_full_of_special_characters() -> None:
    readers = {
        ExportFormat.GRAPHML: lambda text: read_xml_name(text, nx.read_graphml),
        ExportFormat.GEXF: lambda text: read_xml_name(text, nx.read_gexf),
        ExportFormat.DOT: read_dot_name,
        ExportFormat.MERMAID: read_mermaid_name,
    }
    graph = awkward_graph()

    read_back = {
        format: read(export_graph(graph, format=format)) for format, read in readers.items()
    }

    assert read_back == dict.fromkeys(readers, (AWKWARD_CODE, AWKWARD_NAME))


@pytest.mark.parametrize("format", [ExportFormat.GRAPHML, ExportFormat.GEXF])
def test_xml_formats_write_characters_xml_cannot_hold_as_the_replacement_character(
    format: ExportFormat,
) -> None:
    # given a name holding control characters XML 1.0 has no place for, even escaped
    named = dataclasses.replace(initiative("X", start=0, end=10), name="a\x0bb\x1fc\tline")
    graph = portfolio(initiatives=[named], solutions=[solution("KJ")], dependencies=[])

    # when it is exported, the file still parses, with U+FFFD in their place
    read = nx.read_graphml if format == ExportFormat.GRAPHML else nx.read_gexf
    parsed = read(io.BytesIO(export_graph(graph, format=format).encode()))

    assert parsed.nodes["X"]["name"] == "a\ufffdb\ufffdc\tline"
