"""The matching engine against a slow reference evaluator (Hypothesis), and incremental runs
over the store."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engagelens.listening import (
    Engine,
    FoldOptions,
    QuerySpec,
    add_query,
    compile_queries,
    remove_query,
    run,
)
from engagelens.listening.fold import NO_SPACE_RE, tokens
from engagelens.listening.query import And, Field, Near, Not, Or, Text, to_string

# -- a slow, obviously-correct reference: scan the token list for every atom ----------------
WORDS = ["refund", "late", "flight", "bag", "lost", "united", "lo", "fli", "phở", "pho", "đắt"]
CJK = ["外卖", "客服", "慢"]
PHRASES = ["late flight", "lost bag", "united bag"]


def _occurrences(atom: Text, toks: list[tuple[str, str]], accents: bool) -> list[tuple[int, int]]:
    """(word index, word count) of every occurrence, by direct comparison."""
    words = [w for _, w in toks]
    body = atom.raw.lstrip("#@").rstrip("*").casefold()
    if accents:  # diacritics-insensitive: compare base letters
        body = "".join(
            c for c in unicodedata.normalize("NFD", body) if not unicodedata.combining(c)
        ).replace("đ", "d")
    if atom.kind in ("hashtag", "handle"):
        sigil = atom.raw[0]
        return [
            (i, 1)
            for i, (s, w) in enumerate(toks)
            if s == sigil and (w.startswith(body) if atom.prefix else w == body)
        ]
    if NO_SPACE_RE.match(body):  # CJK: a substring of one word, no boundaries
        return [(i, 1) for i, w in enumerate(words) if body in w]
    parts = body.split()
    n = len(parts)
    out = []
    for i in range(len(words) - n + 1):
        window = words[i : i + n]
        if window[:-1] != parts[:-1]:
            continue
        last = window[-1]
        if last == parts[-1] or (atom.prefix and last.startswith(parts[-1])):
            out.append((i, n))
    return out


def reference(node, toks, meta, accents=False) -> bool:
    if isinstance(node, Text):
        return bool(_occurrences(node, toks, accents))
    if isinstance(node, Field):
        return node.accepts(meta.get(node.name))
    if isinstance(node, Not):
        return not reference(node.child, toks, meta, accents)
    if isinstance(node, And):
        return all(reference(c, toks, meta, accents) for c in node.children)
    if isinstance(node, Or):
        return any(reference(c, toks, meta, accents) for c in node.children)
    assert isinstance(node, Near)
    for i, a in _occurrences(node.left, toks, accents):
        for j, b in _occurrences(node.right, toks, accents):
            between = j - (i + a) if j >= i else i - (j + b)
            if between <= node.distance:
                return True
    return False


atoms = st.one_of(
    st.sampled_from(WORDS).map(lambda w: Text(w, "word")),
    st.sampled_from(WORDS).map(lambda w: Text(w + "*", "word", prefix=True)),
    st.sampled_from(CJK).map(lambda w: Text(w, "word")),
    st.sampled_from(PHRASES).map(lambda w: Text(w, "phrase")),
    st.sampled_from(["refund", "fail", "united"]).map(lambda w: Text("#" + w, "hashtag")),
    st.sampled_from(["united", "delta"]).map(lambda w: Text("@" + w, "handle")),
)
fields = st.one_of(
    st.sampled_from(["en", "vi"]).map(lambda v: Field("language", v)),
    st.sampled_from(["x", "facebook"]).map(lambda v: Field("platform", v)),
)
nears = st.builds(Near, atoms, atoms, st.integers(0, 3))
trees = st.recursive(
    st.one_of(atoms, fields, nears),
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.lists(inner, min_size=2, max_size=3).map(lambda c: And(tuple(c))),
        st.lists(inner, min_size=2, max_size=3).map(lambda c: Or(tuple(c))),
    ),
    max_leaves=6,
)
TEXT_PIECES = [
    *WORDS,
    "REFUND",
    "Flight",
    "refunds",
    "flights",
    "#refund",
    "#Fail",
    "@united",
    "@UNITED",
    "united's",
    "外卖",
    "客服太慢",
    "我的外卖",
    "x",
    "!",
    ",",
    "#failwhale",
    "lost-bag",
    "bag.",
    "\u200b",
    "ok",
    "PHỞ",
    "Pho",
    "dat",
    "ĐẮT",
    "phở\u200fbò",
]
texts = st.lists(st.sampled_from(TEXT_PIECES), max_size=12).map(" ".join)
metas = st.fixed_dictionaries(
    {
        "language": st.sampled_from([None, "en", "vi", "en-US"]),
        "platform": st.sampled_from(["x", "twitter", "facebook"]),
    }
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(trees, min_size=1, max_size=5),
    st.lists(texts, min_size=1, max_size=5),
    metas,
    st.booleans(),
)
def test_engine_agrees_with_the_reference_evaluator(queries, docs, meta, accents):
    options = FoldOptions(ignore_accents=accents)
    engine = Engine([QuerySpec(f"q{i}", to_string(t), options) for i, t in enumerate(queries)])
    for text in docs:
        toks = tokens(text, options)
        got = set(engine.match(text, **meta))
        want = {f"q{i}" for i, t in enumerate(queries) if reference(t, toks, meta, accents)}
        assert got == want, (text, [to_string(t) for t in queries])


@settings(max_examples=300, deadline=None)
@given(
    nears,
    st.lists(
        st.sampled_from(
            ["late", "flight", "lost", "bag", "x", "#fail", "外卖", "united", "@united"]
        ),
        max_size=8,
    ).map(" ".join),
)
def test_near_agrees_with_the_reference_evaluator(near, text):
    got = bool(compile_queries({"q": to_string(near)}).match(text))
    assert got == reference(near, tokens(text), {}), (to_string(near), text)


def test_thousands_of_queries_compile_into_one_automaton():
    queries = {f"q{i}": f'w{i} OR "w{i} w{i + 1}"' for i in range(3000)}
    engine = compile_queries(queries)
    assert engine.pattern_count == 6000
    assert set(engine.match("w17 and w2999")) == {"q17", "q2999"}


# -- store: incremental runs ----------------------------------------------------------------
def _mentions(store, items):
    store.insert(
        "mention",
        [
            {
                "platform": "x",
                "mention_id": str(i),
                "text": t,
                "created_at": dt.datetime(2024, 1, 1),
            }
            for i, t in items
        ],
    )


def _matches(store):
    t = store.table("listening_match").to_pyarrow().to_pylist()
    return {(r["query"], r["mention_id"]): json.loads(r["matched_terms"]) for r in t}


def test_runs_are_incremental_and_rerun_changed_queries(store):
    _mentions(store, [(1, "refund please"), (2, "late flight"), (3, "refund for my late flight")])
    add_query(store, "refunds", "refund*", kind="topic")
    add_query(store, "late", "late NOT bus", kind="topic")
    first = run(store)
    assert (first.queries_rerun, first.mentions_scanned, first.matches_stored) == (2, 3, 4)
    assert _matches(store) == {
        ("refunds", "1"): ["refund*"],
        ("refunds", "3"): ["refund*"],
        ("late", "2"): ["late"],
        ("late", "3"): ["late"],
    }

    again = run(store)  # nothing new: nothing scanned, nothing added
    assert (again.queries_rerun, again.mentions_scanned, again.matches_stored) == (0, 0, 0)

    _mentions(store, [(4, "refund on the late bus")])
    new = run(store)  # only the new mention is scanned
    assert (new.mentions_scanned, new.matches_stored) == (1, 1)
    assert ("refunds", "4") in _matches(store) and ("late", "4") not in _matches(store)

    add_query(store, "late", "late", kind="topic")  # edited: re-run on every mention
    edited = run(store)
    assert (edited.queries_rerun, edited.mentions_scanned) == (1, 4)
    assert sorted(k for k in _matches(store) if k[0] == "late") == [
        ("late", "2"),
        ("late", "3"),
        ("late", "4"),
    ]
    assert store.count("listening_match") == 6  # old "late" rows replaced, not duplicated

    remove_query(store, "late")
    assert {q for q, _ in _matches(store)} == {"refunds"}


def test_tagged_interactions_become_mentions_once(store):
    """Interactions of kind mention/tag (with text) are listened to; other kinds are not."""
    when = dt.datetime(2024, 1, 3)
    store.insert(
        "interaction",
        [
            {
                "platform": "instagram",
                "interaction_id": "i1",
                "kind": "mention",
                "actor_id": "u1",
                "actor_followers": 900,
                "occurred_at": when,
                "text": "@acme lost my refund",
            },
            {
                "platform": "instagram",
                "interaction_id": "i2",
                "kind": "tag",
                "actor_id": "u2",
                "occurred_at": when,
                "text": "with #acme today",
            },
            {
                "platform": "instagram",
                "interaction_id": "i3",
                "kind": "comment",
                "actor_id": "u3",
                "occurred_at": when,
                "text": "acme comment on our own post",
            },
            {
                "platform": "instagram",
                "interaction_id": "i4",
                "kind": "mention",
                "actor_id": "u4",
                "occurred_at": when,
                "text": None,
            },
        ],
    )
    add_query(store, "acme", "acme", kind="brand")
    first = run(store)
    assert (first.mentions_scanned, first.matches_stored) == (2, 2)
    assert set(_matches(store)) == {("acme", "i1"), ("acme", "i2")}
    stored = {r["mention_id"]: r for r in store.table("mention").to_pyarrow().to_pylist()}
    assert stored["i1"]["author_followers"] == 900 and stored["i1"]["created_at"] == when
    assert run(store).mentions_scanned == 0  # copied once, not again
    assert store.count("mention") == 2
