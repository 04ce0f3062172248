"""Find which costly parts of the content facts a set of metrics reads.

Why: the facts' cost is the COUNT(DISTINCT) over event rows, and it grows with every event
kind counted. A report of interactions and reach rates needs likes, comments, shares and
saves, not views, clicks or follows. Rather than asking each metric to declare its columns
(a list that could drift from its code), the metrics are built once against a stand-in
table with the facts' schema, and the columns their expressions read are collected from
the Ibis graph. Building an expression runs nothing in the engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import ibis
import ibis.expr.operations as ops
from ibis.common.exceptions import IbisError
from ibis.common.graph import Graph

from .facts import FACT_NEEDS, FACT_SCHEMA

if TYPE_CHECKING:  # pragma: no cover
    from .base import Metric, MetricContext

_STAND_IN = ibis.table(FACT_SCHEMA, name="__engagelens_content_facts")


def fact_columns(ctx: MetricContext, metrics: Sequence[Metric]) -> set[str] | None:
    """Fact columns the metrics' expressions read at ``ctx``'s grain (None: unknown)."""
    probe = replace(ctx, cache={}, fact_needs=None, probe_facts=_STAND_IN)
    stand_in = _STAND_IN.op()
    used: set[str] = set()
    for m in metrics:
        try:
            expr = m.build(probe)
        # A builder that cannot run on the stand-in (it executes something, or reads a column
        # the stand-in lacks): build every part. Other errors would fail the real build too.
        except (IbisError, AttributeError, TypeError):
            return None
        used |= demanded(expr.op()).get(stand_in, set())
    return used


def _fields(values) -> list[ops.Field]:
    out: list[ops.Field] = []
    for v in values:
        out += v.find(ops.Field, filter=ops.Value)  # not through the relations below
    return out


def demanded(root: ops.Relation) -> dict[ops.Relation, set[str]]:
    """Columns of every relation under ``root`` that ``root``'s output depends on.

    A projection pushdown over the Ibis graph: a mutate or join that passes a column through
    does not demand it unless something above reads it. Nodes it does not know demand every
    column of the relations below them, so the answer is never too small."""
    demand: dict[ops.Relation, set[str]] = defaultdict(set)
    demand[root] = set(root.schema.names)
    order = [
        n for n in reversed(list(Graph.from_bfs(root).toposort()[0])) if isinstance(n, ops.Relation)
    ]

    def need(fields: list[ops.Field]) -> None:
        for f in fields:
            demand[f.rel].add(f.name)

    for rel in order:
        want = demand[rel]
        if isinstance(rel, ops.Project):
            need(_fields(v for k, v in rel.values.items() if k in want))
        elif isinstance(rel, ops.Aggregate):
            need(
                _fields(
                    list(rel.groups.values()) + [v for k, v in rel.metrics.items() if k in want]
                )
            )
        elif isinstance(rel, ops.JoinChain):
            need(
                _fields(
                    [v for k, v in rel.values.items() if k in want]
                    + [p for link in rel.rest for p in link.predicates]
                )
            )
        elif isinstance(rel, (ops.Filter, ops.Sort)):
            need(_fields(rel.predicates if isinstance(rel, ops.Filter) else rel.keys))
            demand[rel.parent] |= want
        elif isinstance(rel, (ops.Reference, ops.DropColumns, ops.FillNull, ops.Limit)):
            demand[rel.parent] |= want
        elif isinstance(rel, ops.PhysicalTable) and not isinstance(rel, ops.AliasedRelation):
            continue
        else:  # unknown shape: everything below is needed
            for arg in rel.__args__:
                if isinstance(arg, ops.Relation):
                    demand[arg] |= set(arg.schema.names)
            need(_fields(a for a in rel.__args__ if isinstance(a, ops.Value)))
    return demand


def fact_needs(ctx: MetricContext, metrics: Sequence[Metric]) -> frozenset[str] | None:
    """The costly parts (event counters, comment quality, followers at publish) to build."""
    columns = fact_columns(ctx, metrics)
    if columns is None:
        return None
    return frozenset(n for c in columns for n in FACT_NEEDS.get(c, ()))


__all__ = sorted(["demanded", "fact_columns", "fact_needs"])
