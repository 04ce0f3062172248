"""GDPR: a forgotten person is gone from every table, their linked accounts and orders too,
the other people's numbers are untouched, and the ledger records it without the id; keyed
pseudonyms keep every count while no raw author id remains."""

import datetime as dt
import json
import os
import stat

import httpx
import pytest
from typer.testing import CliRunner

from engagelens.audience import advocates, ladder_summary, link_persons
from engagelens.cli.main import app, main
from engagelens.errors import ConfigError, NotFound
from engagelens.model.tables import all_tables
from engagelens.privacy import (
    CATALOG,
    forget_author,
    key_path,
    ledger,
    load_key,
    pseudonym,
    pseudonymise_authors,
    was_forgotten,
)

D = dt.datetime(2026, 3, 2, 10)
ANA_IDS = {"ana", "ana.b", "C1", "v-ana", "r-ana", "s-ana"}
ANA_OTHERS = {"visitor": ("v-ana",), "recipient": ("r-ana",), "respondent": ("s-ana",)}
KEY = bytes(range(32))


def _insert(store, table, rows):
    """Insert rows with the union of their keys (Arrow takes the first row's keys only)."""
    keys = {k for r in rows for k in r}
    store.insert(table, [{k: r.get(k) for k in sorted(keys)} for r in rows])


def _seed(store):
    from engagelens.engage.tables import ensure_tables
    from engagelens.listening.runner import add_query, run

    ensure_tables(store)

    _insert(store, "account", [
        {"platform": "x", "account_id": "brand", "handle": "@lumina", "is_own": True},
        {"platform": "x", "account_id": "ana", "handle": "@ana", "name": "Ana B."},
        {"platform": "instagram", "account_id": "ana.b", "handle": "ana.b"},
        {"platform": "x", "account_id": "bob", "handle": "@bob"},
    ])  # fmt: skip
    _insert(store, "account_snapshot", [
        {"platform": "instagram", "account_id": "ana.b", "date": D.date(), "followers": 900},
        {"platform": "x", "account_id": "brand", "date": D.date(), "followers": 5000},
    ])  # fmt: skip
    _insert(store, "content", [
        {"platform": "x", "content_id": "c1", "account_id": "brand", "created_at": D,
         "text": "New roast"},
        {"platform": "instagram", "content_id": "u1", "account_id": "ana.b", "created_at": D,
         "text": "my Lumina morning"},
    ])  # fmt: skip
    _insert(store, "content_snapshot", [
        {"platform": "instagram", "content_id": "u1", "as_of": D, "likes": 12},
        {"platform": "x", "content_id": "c1", "as_of": D, "likes": 40},
    ])  # fmt: skip
    i = lambda k, p, actor, kind, text=None, **kw: {  # noqa: E731
        "platform": p, "interaction_id": k, "content_id": "c1", "actor_id": actor, "kind": kind,
        "occurred_at": D, "text": text, **kw}  # fmt: skip
    _insert(store, "interaction", [
        i("i1", "x", "ana", "comment", "I am Ana, call me"),
        i("i2", "x", "ana", "like"),
        i("i3", "instagram", "ana.b", "share"),
        i("i4", "x", "bob", "comment", "nice"),
        i("i5", "x", "bob", "share"),
        i("i6", "x", "brand", "reply", "thanks!", is_brand=True, parent_id="i1"),
    ])  # fmt: skip
    _insert(store, "mention", [
        {"platform": "x", "mention_id": "m1", "author_id": "ana", "author_handle": "@ana",
         "created_at": D, "text": "I love Lumina coffee", "location": "Lyon"},
        {"platform": "x", "mention_id": "m2", "author_id": "bob", "author_handle": "@bob",
         "created_at": D, "text": "Lumina coffee is fine"},
    ])  # fmt: skip
    _insert(store, "conversion", [
        {"conversion_id": "o1", "customer_id": "C1", "occurred_at": D, "value": 30.0},
        {"conversion_id": "o2", "customer_id": "C2", "occurred_at": D, "value": 20.0},
    ])  # fmt: skip

    _insert(
        store,
        "web_session",
        [
            {"session_id": "s1", "visitor_id": "v-ana", "started_at": D},
            {"session_id": "s2", "visitor_id": "v-bob", "started_at": D},
        ],
    )
    _insert(
        store,
        "email_event",
        [
            {"event_id": "e1", "recipient_id": "r-ana", "kind": "open", "occurred_at": D},
            {"event_id": "e2", "recipient_id": "r-bob", "kind": "open", "occurred_at": D},
        ],
    )
    _insert(
        store,
        "survey_response",
        [
            {
                "response_id": "n1",
                "respondent_id": "s-ana",
                "answered_at": D,
                "score": 9,
                "comment": "Ana here, love it",
            },
            {"response_id": "n2", "respondent_id": "s-bob", "answered_at": D, "score": 3},
        ],
    )

    def ta(src, p, sid, s):
        return {"source_table": src, "platform": p, "source_id": sid, "backend": "t",
                "backend_version": "1", "sentiment": s}  # fmt: skip

    _insert(store, "text_analysis", [ta("interaction", "x", "i1", "neutral"),
                                   ta("mention", "x", "m1", "positive"),
                                   ta("mention", "x", "m2", "neutral"),
                                   ta("survey_response", None, "n1", "positive")])  # fmt: skip
    _insert(store, "inbox_state", [{"platform": "x", "interaction_id": "i1", "action": "assign",
                                  "assignee": "agent", "acted_at": D}])  # fmt: skip
    _insert(store, "quarantine", [
        {"batch_id": 9, "line": 2, "raw": json.dumps({"actor_id": "ana", "kind": "??"}),
         "reason": "bad kind"},
        {"batch_id": 9, "line": 3, "raw": json.dumps({"actor_id": "bob", "kind": "??"}),
         "reason": "bad kind"},
    ])  # fmt: skip
    add_query(store, "lumina", '"lumina coffee"', kind="brand")
    run(store)
    link_persons(store, [{"platform": "x", "author_id": "ana", "person": "A"},
                         {"platform": "instagram", "author_id": "ana.b", "person": "A"},
                         {"platform": "x", "author_id": "ana", "customer_id": "C1"}])  # fmt: skip


def _counts(store):
    return {t: store.count(t) for t in store.list_tables()}


def _values(store):
    """Every string value stored in every table (row by row), for 'nothing remains' checks."""
    for t in store.list_tables():
        for row in store.table(t).to_pyarrow().to_pylist():
            for v in row.values():
                if isinstance(v, str):
                    yield t, v


def test_forget_deletes_the_person_everywhere_and_the_rest_adds_up(store):
    _seed(store)
    before = _counts(store)
    report = forget_author(store, "x:ana", key=KEY, others=ANA_OTHERS, requested_by="dpo")
    after = _counts(store)
    # their 3 interactions, 1 mention, 2 accounts, 1 snapshot, 1 UGC post and its snapshot,
    # order C1, their visit, e-mail event and survey answer, analyses of i1, m1 and n1, m1's
    # listening match and seen mark, the inbox row, 4 identity links, 1 quarantined row
    assert report.rows == {
        "interaction": 3, "mention": 1, "account": 2, "account_snapshot": 1, "content": 1,
        "content_snapshot": 1, "conversion": 1, "text_analysis": 3, "listening_match": 1,
        "web_session": 1, "email_event": 1, "survey_response": 1,
        "inbox_state": 1, "person_link": 4, "quarantine": 1, "listening_seen": 1,
    }  # fmt: skip
    assert report.accounts == 2 and report.customers == 1
    for t, n in before.items():  # every table: before − forgotten = after (+1 ledger row)
        expected = n - report.rows.get(t, 0) + (t == "privacy_ledger")
        assert after[t] == expected, t
    leftovers = [(t, v) for t, v in _values(store) if v in ANA_IDS or "Ana" in v or "Lyon" in v]
    assert leftovers == []
    # the others' numbers are untouched: bob is still there with 2 interactions, the brand's
    # reply stays, and revenue drops by exactly Ana's order
    board = {r["actor_id"]: r for r in advocates(store).to_pyarrow().to_pylist()}
    assert set(board) == {"bob"} and board["bob"]["interactions"] == 2
    assert store.count("interaction") == 3  # i4, i5 and the brand's i6
    assert store.table("conversion").value.sum().execute() == 20.0
    (entry,) = ledger(store)
    assert entry["action"] == "forget" and entry["mode"] == "delete"
    assert entry["requested_by"] == "dpo" and entry["rows"] == report.rows
    assert entry["subject"] == pseudonym(KEY, "subject", "x", "ana") != "x:ana"
    assert was_forgotten(store, "x:ana", key=KEY) and not was_forgotten(store, "x:bob", key=KEY)
    with pytest.raises(NotFound):
        forget_author(store, "x:ana", key=KEY)


def test_forget_by_pseudonymising_keeps_every_count(store):
    _seed(store)
    before = _counts(store)
    ladder = ladder_summary(store)
    scores = sorted(r["score"] for r in advocates(store).to_pyarrow().to_pylist())
    report = forget_author(
        store, "instagram:ana.b", key=KEY, mode="pseudonymise", others=ANA_OTHERS
    )
    after = _counts(store)
    changed = {t: after[t] - before[t] for t in before if after[t] != before[t]}
    assert changed == {"person_link": -4, "quarantine": -1, "privacy_ledger": 1}
    assert report.rows["interaction"] == 3 and report.rows["conversion"] == 1
    assert [(t, v) for t, v in _values(store) if v in ANA_IDS or "Ana" in v] == []
    assert ladder_summary(store) == ladder
    assert sorted(r["score"] for r in advocates(store).to_pyarrow().to_pylist()) == scores
    assert store.table("conversion").value.sum().execute() == 50.0
    ids = set(store.table("interaction").actor_id.to_pyarrow().to_pylist())
    (forgotten,) = {i for i in ids if i.startswith("forgotten-")}
    assert ids == {forgotten, "bob", "brand"}


def test_pseudonymise_authors_with_a_0600_key(store, tmp_path):
    _seed(store)
    path = key_path(store)
    assert str(path) == store.url + ".privacy-key" and not path.exists()
    key = load_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and load_key(path) == key
    scores = sorted(r["score"] for r in advocates(store).to_pyarrow().to_pylist())
    per_person = advocates(store, per="person").to_pyarrow().to_pylist()
    rows = pseudonymise_authors(store, key=key)
    # every author row but the brand's own account's (1 account, 1 snapshot, c1, i6)
    assert rows == {"account": 3, "account_snapshot": 1, "content": 1, "conversion": 2,
                    "email_event": 2, "interaction": 5, "mention": 2, "person_link": 4,
                    "survey_response": 2, "web_session": 2}  # fmt: skip
    raw = {"ana", "ana.b", "bob", "C1", "C2", "@ana", "@bob", "Ana B.", "v-ana", "v-bob",
           "r-ana", "r-bob", "s-ana", "s-bob"}  # fmt: skip
    assert [(t, v) for t, v in _values(store) if v in raw and t != "quarantine"] == []
    anon = pseudonym(key, "account", "x", "bob")
    assert anon in store.table("interaction").actor_id.to_pyarrow().to_pylist()
    assert "brand" in store.table("account").account_id.to_pyarrow().to_pylist()
    assert sorted(r["score"] for r in advocates(store).to_pyarrow().to_pylist()) == scores
    # identity links were mapped with the same key: the person still joins both accounts
    after = advocates(store, per="person").to_pyarrow().to_pylist()
    assert [(r["score"], r["accounts"]) for r in after] == [
        (r["score"], r["accounts"]) for r in per_person
    ]
    assert pseudonymise_authors(store, key=key) == {}  # idempotent
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        load_key(path)


def test_ingest_time_pseudonymisation(store, tmp_path, monkeypatch):
    from engagelens.ingest import ingest_file

    monkeypatch.setenv("ENGAGELENS_PSEUDONYMISE_AUTHORS", "true")
    monkeypatch.setenv("ENGAGELENS_PRIVACY_KEY_FILE", str(tmp_path / "k" / "key"))
    p = tmp_path / "interaction.csv"
    p.write_text("platform,interaction_id,actor_id,kind,occurred_at\n"
                 "x,1,alice,like,2024-01-01\nx,2,alice,share,2024-01-02\n")  # fmt: skip
    ingest_file(store, p)
    key = load_key(tmp_path / "k" / "key")
    ids = store.table("interaction").actor_id.to_pyarrow().to_pylist()
    assert ids == [pseudonym(key, "account", "x", "alice")] * 2
    assert stat.S_IMODE((tmp_path / "k" / "key").stat().st_mode) == 0o600


def test_every_person_column_is_in_the_catalog():
    listed = {(c.table, c.column) for c in CATALOG}
    for spec in all_tables():
        for col in spec.column_names:
            if col in ("actor_id", "author_id", "customer_id", "visitor_id", "recipient_id",
                       "respondent_id"):  # fmt: skip
                assert (spec.name, col) in listed, (spec.name, col)


def test_bad_requests_are_clear_errors(store):
    _seed(store)
    with pytest.raises(ConfigError):
        forget_author(store, "ana", key=KEY)
    with pytest.raises(ConfigError):
        forget_author(store, "x:ana", key=KEY, mode="shred")
    with pytest.raises(ConfigError, match="unknown id kinds"):
        forget_author(store, "x:ana", key=KEY, others={"phone": ("123",)})
    with pytest.raises(NotFound):
        forget_author(store, "x:nobody", key=KEY)
    assert store.count("interaction") == 6


def test_cli_forget_pseudonymise_and_ledger(store, tmp_path):
    _seed(store)
    db = store.url
    store.close()
    key = str(tmp_path / "cli.key")
    r = CliRunner().invoke(app, ["privacy", "forget", "--author", "x:bob", "--yes", "--json",
                                 "--key-file", key, "--db", db, "--by", "dpo"])  # fmt: skip
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert (
        out["rows"]["interaction"] == 2
        and out["rows"]["mention"] == 1
        and "conversion" not in out["rows"]
    )  # C2 was never linked
    r = CliRunner().invoke(app, ["privacy", "forget", "--author", "x:ana", "--key-file", key,
                                 "--db", db], input="n\n")  # fmt: skip
    assert r.exit_code != 0  # declined: nothing happened
    r = CliRunner().invoke(app, ["privacy", "pseudonymise", "--json", "--key-file", key,
                                 "--db", db])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["rows"]["interaction"] == 3
    r = CliRunner().invoke(app, ["privacy", "ledger", "--json", "--db", db])
    assert sorted(e["action"] for e in json.loads(r.output)) == ["forget", "pseudonymise"]
    assert main(["privacy", "forget", "--author", "nocolon", "--yes", "--db", db]) == 2
    assert main(["privacy", "forget", "--author", "x:zz", "--yes", "--key-file", key,
                 "--db", db]) == 2  # fmt: skip


def test_api_forget_is_admin_only(tmp_path):
    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server
    from engagelens.store import Store

    control = Control(tmp_path / "data")
    control.create_workspace("shop", "Shop")
    with Store.open(control.workspace_path("shop")) as s:
        _seed(s)
    admin = control.create_token("shop", "admin").token
    viewer = control.create_token("shop", "viewer").token
    app_ = create_app(tmp_path / "data", settings={"api_rate_limit_per_minute": 1_000_000})
    with live_server(app_) as url:
        base = url + "/api/v1/workspaces/shop/privacy"
        h = lambda t: {"Authorization": f"Bearer {t}"}  # noqa: E731
        r = httpx.post(base + "/forget", json={"author": "x:ana"}, headers=h(viewer))
        assert r.status_code == 403
        r = httpx.post(base + "/forget", json={"author": "x:ana"}, headers=h(admin), timeout=60)
        assert r.status_code == 200, r.text
        assert r.json()["rows"]["interaction"] == 3
        again = httpx.post(base + "/forget", json={"author": "x:ana"}, headers=h(admin))
        assert again.status_code == 404
        bad = httpx.post(base + "/forget", json={"author": "x:bob", "mode": "shred"},
                         headers=h(admin))  # fmt: skip
        assert bad.status_code == 422
        (entry,) = httpx.get(base + "/ledger", headers=h(admin)).json()["items"]
        assert entry["rows"]["interaction"] == 3 and '"ana"' not in json.dumps(entry)
        assert "x:ana" not in json.dumps(entry)
        r = httpx.get(url + "/api/v1/workspaces/shop/audience/advocates", headers=h(admin))
        assert [a["actor_id"] for a in r.json()["items"]] == ["bob"]
        assert httpx.post(base + "/pseudonymise", headers=h(viewer)).status_code == 403
        r = httpx.post(base + "/pseudonymise", headers=h(admin), timeout=60)
        assert r.status_code == 200 and r.json()["rows"]["interaction"] == 2  # bob's two
        r = httpx.get(url + "/api/v1/workspaces/shop/audience/advocates", headers=h(admin))
        assert [a["actor_id"][:5] for a in r.json()["items"]] == ["anon-"]
