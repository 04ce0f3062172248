"""Match thousands of listening queries against many mentions at once.

Why it is fast: every word and phrase of every query becomes one pattern of a single
Aho-Corasick automaton (pyahocorasick, Aho & Corasick 1975), so one pass over a mention's
canonical text (see :mod:`.fold`) finds all candidate words of all queries, in time linear in
the text plus the hits. Only queries owning a found word are then evaluated. Queries that can
match without any word (``NOT spam``, ``lang:vi``) are evaluated on every mention.

Word boundaries are part of the patterns: the canonical text separates words by single
spaces, so ``" refund "`` only matches the whole word and ``" refund"`` is the wildcard
``refund*``. Words of scripts without spaces (Chinese, Japanese, Thai) are searched without
boundaries.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import ahocorasick

from .fold import SEP, FoldOptions, canonical, needs_boundary, tokens
from .query import And, Field, Near, Node, Not, Or, Text, anchored, parse, positive_texts


@dataclass(frozen=True)
class QuerySpec:
    """A named query and how its text is folded."""

    name: str
    query: str
    options: FoldOptions = field(default_factory=FoldOptions)


@dataclass(frozen=True)
class _Pattern:
    text: str
    in_tags: bool  # searched in the #tag/@handle part of the canonical text
    lead: int  # 1 when the pattern starts with the boundary space
    span: int  # words it covers


class _Doc:
    """One mention while it is being matched: hits per pattern id and lazy word positions."""

    __slots__ = ("_opts", "_starts", "_tag_pos", "_tag_starts", "_text", "canon", "hits", "meta")

    def __init__(
        self,
        canon: str,
        hits: dict[int, list[int]],
        meta: Mapping[str, Any],
        text: str,
        options: FoldOptions,
    ) -> None:
        self.canon, self.hits, self.meta = canon, hits, meta
        self._starts: list[int] | None = None
        self._text, self._opts = text, options

    def positions(self, pid: int, pattern: _Pattern) -> list[int]:
        """Word index (in the words part) of each occurrence of pattern ``pid``."""
        if self._starts is None:
            sep = self.canon.index(SEP)
            self._starts = [i + 1 for i in range(sep - 1) if self.canon[i] == " "]
            self._tag_starts = [
                i + 1 for i in range(sep + 1, len(self.canon) - 1) if self.canon[i] == " "
            ]
            self._tag_pos = [k for k, (s, _) in enumerate(tokens(self._text, self._opts)) if s]
        out = []
        for end in self.hits.get(pid, ()):
            start = end - len(pattern.text) + 1 + pattern.lead
            if pattern.in_tags:
                k = bisect_right(self._tag_starts, start) - 1
                out.append(self._tag_pos[k])
            else:
                out.append(bisect_right(self._starts, start) - 1)
        return out


Evaluator = Callable[[_Doc], bool]


@dataclass
class _Group:
    """Queries sharing fold options share one automaton."""

    options: FoldOptions
    patterns: dict[str, int] = field(default_factory=dict)
    infos: list[_Pattern] = field(default_factory=list)
    by_pattern: list[list[int]] = field(default_factory=list)  # pid -> query indexes
    always: list[int] = field(default_factory=list)  # unanchored query indexes
    automaton: Any = None

    def pattern_id(self, text: Text) -> int:
        words = text.words(self.options)
        if text.kind in ("hashtag", "handle"):
            sigil = "#" if text.kind == "hashtag" else "@"
            pat = _Pattern(sigil + words + ("" if text.prefix else " "), True, 0, 1)
        else:
            lead = needs_boundary(words[0], self.options)
            trail = needs_boundary(words[-1], self.options) and not text.prefix
            pat = _Pattern(
                (" " if lead else "") + words + (" " if trail else ""),
                False,
                int(lead),
                words.count(" ") + 1,
            )
        key = ("T" if pat.in_tags else "W") + pat.text
        pid = self.patterns.get(key)
        if pid is None:
            pid = self.patterns[key] = len(self.infos)
            self.infos.append(pat)
            self.by_pattern.append([])
        return pid


class Engine:
    """Compiled queries; :meth:`match` returns ``{query name: matched terms}`` for a text."""

    def __init__(self, queries: Iterable[QuerySpec]) -> None:
        self.queries: list[QuerySpec] = list(queries)
        self._groups: dict[FoldOptions, _Group] = {}
        self._eval: list[Evaluator] = []
        self._terms: list[list[tuple[int, str]]] = []
        for index, spec in enumerate(self.queries):
            group = self._groups.setdefault(spec.options, _Group(spec.options))
            tree = parse(spec.query)
            self._eval.append(self._compile(tree, group))
            pids = set()
            terms = []
            for text in positive_texts(tree):
                pid = group.pattern_id(text)
                terms.append((pid, text.raw))
            for node in _texts(tree):
                pids.add(group.pattern_id(node))
            self._terms.append(terms)
            if anchored(tree):
                for pid in pids:
                    group.by_pattern[pid].append(index)
            else:
                group.always.append(index)
        for group in self._groups.values():
            automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
            for key, pid in group.patterns.items():
                automaton.add_word(key[1:], pid)
            if group.patterns:
                automaton.make_automaton()
            group.automaton = automaton if group.patterns else None

    @property
    def pattern_count(self) -> int:
        return sum(len(g.patterns) for g in self._groups.values())

    def _compile(self, node: Node, group: _Group) -> Evaluator:
        if isinstance(node, Text):
            pid = group.pattern_id(node)
            return lambda d: pid in d.hits
        if isinstance(node, Field):
            name, accepts = node.name, node.accepts
            return lambda d: accepts(d.meta.get(name))
        if isinstance(node, Not):
            inner = self._compile(node.child, group)
            return lambda d: not inner(d)
        if isinstance(node, And):
            parts = [self._compile(c, group) for c in node.children]
            return lambda d: all(p(d) for p in parts)
        if isinstance(node, Or):
            parts = [self._compile(c, group) for c in node.children]
            return lambda d: any(p(d) for p in parts)
        assert isinstance(node, Near)
        left, right = group.pattern_id(node.left), group.pattern_id(node.right)
        pl, pr, dist = group.infos[left], group.infos[right], node.distance

        def near(d: _Doc) -> bool:
            if left not in d.hits or right not in d.hits:
                return False
            rights = d.positions(right, pr)
            for i in d.positions(left, pl):
                for j in rights:  # words strictly between the two (overlap counts as near)
                    if max(j - (i + pl.span), i - (j + pr.span)) <= dist:
                        return True
            return False

        return near

    def match(self, text: str | None, **meta: Any) -> dict[str, list[str]]:
        """Queries matching ``text``; ``meta`` carries ``platform`` and ``language``."""
        return {self.queries[i].name: terms for i, terms in self._match(text or "", meta)}

    def _match(self, text: str, meta: Mapping[str, Any]) -> Iterator[tuple[int, list[str]]]:
        for group in self._groups.values():
            canon = canonical(text, group.options)
            hits: dict[int, list[int]] = {}
            candidates: set[int] = set(group.always)
            if group.automaton is not None:
                sep = canon.index(SEP)
                infos, by_pattern = group.infos, group.by_pattern
                for end, pid in group.automaton.iter(canon):
                    if (end > sep) is infos[pid].in_tags:
                        hits.setdefault(pid, []).append(end)
                for pid in hits:
                    candidates.update(by_pattern[pid])
            if not candidates:
                continue
            doc = _Doc(canon, hits, meta, text, group.options)
            for index in candidates:
                if self._eval[index](doc):
                    seen: list[str] = []
                    for pid, raw in self._terms[index]:
                        if pid in hits and raw not in seen:
                            seen.append(raw)
                    yield index, seen

    def match_rows(self, rows: Iterable[Mapping[str, Any]]) -> Iterator[tuple[int, str, list[str]]]:
        """``(row number, query name, matched terms)`` for rows with ``text``, ``platform``,
        ``language``."""
        for n, row in enumerate(rows):
            for index, terms in self._match(row.get("text") or "", row):
                yield n, self.queries[index].name, terms


def _texts(node: Node) -> Iterator[Text]:
    if isinstance(node, Text):
        yield node
    elif isinstance(node, Near):
        yield node.left
        yield node.right
    elif isinstance(node, Not):
        yield from _texts(node.child)
    elif isinstance(node, And | Or):
        for c in node.children:
            yield from _texts(c)


def compile_queries(queries: Mapping[str, str] | Iterable[QuerySpec]) -> Engine:
    """An :class:`Engine` from ``{name: query}`` or QuerySpecs."""
    if isinstance(queries, Mapping):
        queries = [QuerySpec(n, q) for n, q in queries.items()]
    return Engine(queries)


__all__ = sorted(["Engine", "QuerySpec", "compile_queries"])
