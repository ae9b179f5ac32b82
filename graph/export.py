r"""Export a dependency graph, or the neighbourhood of one node, as text.

GraphML and GEXF are written by networkx; DOT and Mermaid by hand, so no Graphviz binding
is needed. Every format lists nodes by code and edges by (supplier, dependant), so equal
graphs give equal text. Exported attributes are plain strings, numbers and booleans:
enums become their names, dates ISO strings, missing values are left out, and the input
records (the ``data`` node attribute) are reduced to their fields. The edge attribute
``type`` is exported as ``dependency_type``, because GEXF reserves ``type``.

Escaping, so any text reads back as it was written:

- GraphML and GEXF: XML escaping by the writer (``&amp;``, ``&lt;``, ``&quot;``…); a
  carriage return is written ``&#13;``, since XML readers turn a raw one into a line feed.
  A character XML 1.0 cannot hold at all (a control character other than tab, line feed
  and carriage return, U+FFFE, U+FFFF) is written as U+FFFD, so the file always parses.
- DOT: every ID and value is a double-quoted string: ``&`` becomes ``&amp;`` (Graphviz
  reads entities in labels), ``\`` becomes ``\\``, ``"`` becomes ``\"``, a line feed
  ``\n`` and a carriage return ``&#13;``.
- Mermaid: labels are double-quoted; every character but letters, digits, space and
  ``-_.,()/`` is written as Mermaid's numeric entity ``#<decimal>;`` (``&`` is ``#38;``,
  ``#`` is ``#35;``, a line feed ``#10;``). Node ids are ``n`` and the code, with each
  character but an ASCII letter or digit as ``_<hex>_``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

import networkx as nx

from graph._traversal import shortest_paths
from graph.build import require_node
from graph.model import Criticality, InitiativeNode, NodeKind, SolutionNode

__all__ = ["Direction", "ExportFormat", "export_graph", "subgraph"]


class Direction(StrEnum):
    """Which side of a node to follow."""

    UPSTREAM = "UPSTREAM"
    DOWNSTREAM = "DOWNSTREAM"
    BOTH = "BOTH"


class ExportFormat(StrEnum):
    """Text formats :func:`export_graph` writes."""

    GRAPHML = "GRAPHML"
    GEXF = "GEXF"
    DOT = "DOT"
    MERMAID = "MERMAID"


def subgraph(
    graph: nx.DiGraph,
    root: str,
    *,
    direction: Direction = Direction.BOTH,
    max_depth: int | None = None,
) -> nx.DiGraph:
    """Return a new graph of ``root`` and what it reaches in ``direction``.

    The result holds every edge of ``graph`` between the nodes kept (an induced
    subgraph), with copies of the attribute dicts; ``graph`` is not modified.

    Raises
    ------
    NodeNotFound
        If ``root`` is not in the graph.

    Examples
    --------
    >>> graph = nx.DiGraph([("KJ", "PLL"), ("PLL", "HP"), ("HP", "X"), ("Y", "HP")])
    >>> sorted(subgraph(graph, "PLL", direction=Direction.DOWNSTREAM, max_depth=1))
    ['HP', 'PLL']
    >>> sorted(subgraph(graph, "HP", direction=Direction.UPSTREAM).edges)
    [('KJ', 'PLL'), ('PLL', 'HP'), ('Y', 'HP')]
    """
    require_node(graph, root)
    kept = {root}
    if direction != Direction.DOWNSTREAM:
        kept.update(shortest_paths(graph, root, reverse=True, max_depth=max_depth))
    if direction != Direction.UPSTREAM:
        kept.update(shortest_paths(graph, root, max_depth=max_depth))
    return graph.subgraph(sorted(kept)).copy()


def export_graph(graph: nx.DiGraph, *, format: ExportFormat) -> str:
    """Return ``graph`` as GraphML, GEXF, DOT or Mermaid text.

    Examples
    --------
    >>> graph = nx.DiGraph()
    >>> graph.add_node("KJ", kind=NodeKind.SOLUTION,
    ...                data=SolutionNode("KJ", "Kjernejournal", "NATIONAL_EHEALTH_SOLUTION"))
    >>> graph.add_node("PLL", kind=NodeKind.INITIATIVE,
    ...                data=InitiativeNode("PLL", 'PLL "legemiddelliste"', None, None, None))
    >>> graph.add_edge("KJ", "PLL", criticality=Criticality.HIGH, lag_days=0)
    >>> print(export_graph(graph, format=ExportFormat.MERMAID), end="")
    flowchart LR
        nKJ[("KJ: Kjernejournal")]
        nPLL["PLL: PLL #34;legemiddelliste#34;"]
        nKJ ==>|HIGH| nPLL
    """
    plain = _plain_graph(graph)
    if format in (ExportFormat.GRAPHML, ExportFormat.GEXF):
        plain = nx.relabel_nodes(plain, _xml_text, copy=True)
        for _, attributes in plain.nodes(data=True):
            _replace_xml_invalid(attributes)
        for _, _, attributes in plain.edges(data=True):
            _replace_xml_invalid(attributes)
    if format == ExportFormat.GRAPHML:
        return _graphml(plain)
    if format == ExportFormat.GEXF:
        # The writer stamps today's date; leave it out so the text depends only on data.
        text = "\n".join(nx.generate_gexf(plain)) + "\n"
        return re.sub(r' lastmodifieddate="[^"]*"', "", text)
    if format == ExportFormat.DOT:
        return _dot(plain)
    return _mermaid(plain)


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("\ufffd", text)


def _replace_xml_invalid(attributes: dict[str, Any]) -> None:
    for name, value in attributes.items():
        if isinstance(value, str):
            attributes[name] = _xml_text(value)


def _graphml(graph: nx.DiGraph) -> str:
    # What nx.generate_graphml writes, without splitting it into lines: that would read a
    # carriage return inside a value as a line break. Values are element text, where the
    # writer leaves a carriage return raw and every XML reader turns it into a line feed.
    writer = nx.GraphMLWriter()
    writer.add_graph_element(graph)
    return str(writer).replace("\r", "&#13;").rstrip("\n") + "\n"


def _plain_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy with only serialisable attributes, nodes and edges in code order."""
    plain = nx.DiGraph()
    for code in sorted(graph):
        attributes = dict(graph.nodes[code])
        record = attributes.pop("data", None)
        if isinstance(record, InitiativeNode | SolutionNode):
            fields = {name: getattr(record, name) for name in record.__slots__}
            fields.pop("code")
            attributes = {**attributes, **fields}
        plain.add_node(code, **_plain_values(attributes))
    for supplier, dependant in sorted(graph.edges):
        attributes = dict(graph.edges[supplier, dependant])
        if "type" in attributes:
            attributes["dependency_type"] = attributes.pop("type")
        plain.add_edge(supplier, dependant, **_plain_values(attributes))
    return plain


def _plain_values(attributes: dict[str, Any]) -> dict[str, Any]:
    plain: dict[str, Any] = {}
    for name, value in attributes.items():
        if value is None:
            continue
        if isinstance(value, StrEnum):
            plain[name] = value.value
        elif isinstance(value, bool | int | float | str):
            plain[name] = value
        else:
            plain[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return plain


_EDGE_STYLES = {
    Criticality.HIGH: ("==>", "bold"),
    Criticality.MEDIUM: ("-->", "solid"),
    Criticality.LOW: ("-.->", "dashed"),
}


def _dot(graph: nx.DiGraph) -> str:
    lines = ["digraph dependencies {", "    rankdir=LR;", "    node [shape=box];"]
    for code, attributes in graph.nodes(data=True):
        label = f"{code}\n{attributes['name']}" if "name" in attributes else code
        shape = ["shape=ellipse"] if attributes.get("kind") == NodeKind.SOLUTION else []
        lines.append(
            f"    {_dot_id(code)} [{_dot_attributes({'label': label, **attributes}, shape)}];"
        )
    for supplier, dependant, attributes in graph.edges(data=True):
        style = _EDGE_STYLES.get(attributes.get("criticality"), ("", "solid"))[1]
        lines.append(
            f"    {_dot_id(supplier)} -> {_dot_id(dependant)}"
            f" [{_dot_attributes(attributes, [f'style={style}'])}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_attributes(attributes: dict[str, Any], extra: list[str]) -> str:
    return ", ".join(
        [*(f"{name}={_dot_id(str(value))}" for name, value in attributes.items()), *extra]
    )


_DOT_ESCAPES = str.maketrans({"&": "&amp;", "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "&#13;"})


def _dot_id(text: str) -> str:
    """A DOT double-quoted string, escaped as the module docstring says."""
    return f'"{text.translate(_DOT_ESCAPES)}"'


def _mermaid(graph: nx.DiGraph) -> str:
    lines = ["flowchart LR"]
    for code, attributes in graph.nodes(data=True):
        label = _mermaid_text(code)
        if "name" in attributes:
            label = f"{label}: {_mermaid_text(attributes['name'])}"
        if attributes.get("kind") == NodeKind.SOLUTION:
            lines.append(f'    {_mermaid_id(code)}[("{label}")]')
        else:
            lines.append(f'    {_mermaid_id(code)}["{label}"]')
    for supplier, dependant, attributes in graph.edges(data=True):
        criticality = attributes.get("criticality")
        arrow = _EDGE_STYLES.get(criticality, ("-->", ""))[0]
        edge_label = f"|{_mermaid_text(criticality)}|" if criticality else ""
        lines.append(f"    {_mermaid_id(supplier)} {arrow}{edge_label} {_mermaid_id(dependant)}")
    return "\n".join(lines) + "\n"


def _mermaid_id(code: str) -> str:
    """A Mermaid node id: ``n`` then the code, each non-alphanumeric ASCII character as
    ``_<hex>_``. Distinct codes give distinct ids, and none is a Mermaid keyword."""
    return "n" + "".join(
        character if character.isascii() and character.isalnum() else f"_{ord(character):x}_"
        for character in code
    )


_MERMAID_PLAIN = frozenset(" -_.,()/")


def _mermaid_text(text: str) -> str:
    """Text safe inside a double-quoted Mermaid label: anything that could end the label,
    start an entity or markup, or be read as HTML (``&lt;``) is a numeric entity."""
    return "".join(
        character if character.isalnum() or character in _MERMAID_PLAIN else f"#{ord(character)};"
        for character in text
    )
