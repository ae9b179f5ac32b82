"""Exceptions raised by the dependency analysis.

Every error the package raises derives from :class:`GraphError`, so callers can catch
the whole family at once. networkx's own exceptions never leave ``graph/``: they are
translated into these types where they can occur.
"""

from __future__ import annotations

__all__ = [
    "AnalysisCancelled",
    "DeliveryNotFound",
    "DependencyCycle",
    "DuplicateNode",
    "GraphError",
    "InvalidDependency",
    "NodeNotFound",
    "NodeNotScheduled",
]


class GraphError(Exception):
    """Base class for every error raised by the dependency analysis."""


class AnalysisCancelled(GraphError):
    """The computation was asked to stop (see :mod:`graph.cancellation`)."""

    def __init__(self) -> None:
        super().__init__("the analysis was cancelled")


class NodeNotFound(GraphError):
    """A code names neither an initiative nor a solution in the graph.

    Examples
    --------
    >>> error = NodeNotFound("PLL")
    >>> error.code, str(error)
    ('PLL', "no initiative or solution with code 'PLL'")
    """

    def __init__(self, code: str) -> None:
        super().__init__(f"no initiative or solution with code {code!r}")
        self.code = code


class DuplicateNode(GraphError):
    """Two initiatives or solutions share one code.

    Examples
    --------
    >>> str(DuplicateNode("KJ"))
    "code 'KJ' is used by more than one initiative or solution"
    """

    def __init__(self, code: str) -> None:
        super().__init__(f"code {code!r} is used by more than one initiative or solution")
        self.code = code


class InvalidDependency(GraphError):
    """A dependency breaks a structural rule, such as a solution as dependant.

    Examples
    --------
    >>> error = InvalidDependency("KJ", "PLL", "the dependant must be an initiative")
    >>> error.supplier, error.dependant
    ('KJ', 'PLL')
    """

    def __init__(self, supplier: str, dependant: str, reason: str) -> None:
        super().__init__(f"dependency {supplier!r} -> {dependant!r}: {reason}")
        self.supplier = supplier
        self.dependant = dependant
        self.reason = reason


class NodeNotScheduled(GraphError):
    """An analysis needs dates the node does not have (it is not a schedule activity).

    Examples
    --------
    >>> str(NodeNotScheduled("KJ"))
    "'KJ' is not a scheduled activity: it needs a planned start and an end date"
    """

    def __init__(self, code: str) -> None:
        super().__init__(
            f"{code!r} is not a scheduled activity: it needs a planned start and an end date"
        )
        self.code = code


class DependencyCycle(GraphError):
    """The dependencies form a cycle, given as a closed path of codes.

    The first code is repeated at the end, so ``("A", "B", "A")`` reads "A is needed by
    B, which is needed by A".

    Examples
    --------
    >>> error = DependencyCycle(("A", "B", "A"))
    >>> error.cycle, str(error)
    (('A', 'B', 'A'), 'dependency cycle: A -> B -> A')
    """

    def __init__(self, cycle: tuple[str, ...]) -> None:
        super().__init__("dependency cycle: " + " -> ".join(cycle))
        self.cycle = cycle


class DeliveryNotFound(NodeNotFound):
    """No dependency names the supplier delivery.

    Examples
    --------
    >>> str(DeliveryNotFound("PLL-R1"))
    "no dependency names the delivery 'PLL-R1'"
    """

    def __init__(self, code: str) -> None:
        GraphError.__init__(self, f"no dependency names the delivery {code!r}")
        self.code = code
