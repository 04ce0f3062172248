"""One person across platforms from declared evidence: union-find over a hand-drawn mapping,
per-person ladder, advocates and RFM, and the CLI/API on the same store."""

import datetime as dt
import hashlib
import json

import httpx
import pytest
from typer.testing import CliRunner

from engagelens.audience import advocates, engagement_ladder, link_persons, persons, read_mapping
from engagelens.audience.identity import EMPTY_SHA256, UnionFind, person_id
from engagelens.audience.segments import audience_rfm, customer_rfm, segment_summary
from engagelens.cli.main import app, main
from engagelens.errors import ConfigError

ANA = hashlib.sha256(b"ana@example.com").hexdigest()
ZED = hashlib.sha256(b"zed@example.com").hexdigest()
D = dt.datetime(2026, 3, 2, 10)


def _i(k, platform, actor, kind, day, brand=False):
    return {"platform": platform, "interaction_id": f"i{k}", "content_id": "c1",
            "actor_id": actor, "kind": kind, "occurred_at": D + dt.timedelta(days=day),
            "is_brand": brand}  # fmt: skip


INTERACTIONS = [
    _i(1, "x", "ana", "comment", 0),
    _i(2, "x", "ana", "comment", 1),
    _i(3, "instagram", "ana.b", "share", 2),
    _i(4, "facebook", "zed", "like", 0),
    _i(5, "instagram", "zed_ig", "like", 0),  # same day as 4: one active day for the person
    _i(6, "facebook", "bob", "like", 3),
    _i(7, "x", "Ana", "share", 4),  # another account whose *name* looks alike: never linked
    _i(8, "x", "brand", "comment", 0, brand=True),
]

MAPPING = f"""platform,author_id,person,customer_id,email_sha256,email_verified
x,ana,ana,,,
instagram,ana.b,ana,,,
,,ana,C1,,
facebook,zed,,,{ZED},true
instagram,zed_ig,,C7,{ZED.upper()},true
facebook,bob,,,{ANA},false
"""


@pytest.fixture
def linked(store, tmp_path):
    store.insert("interaction", INTERACTIONS)
    store.insert(
        "conversion",
        [
            {"conversion_id": "o1", "customer_id": "C1", "occurred_at": D, "value": 10.0},
            {"conversion_id": "o2", "customer_id": "C2", "occurred_at": D, "value": 5.0},
        ],
    )
    path = tmp_path / "map.csv"
    path.write_text(MAPPING)
    summary = link_persons(store, read_mapping(path), source="map.csv")
    return store, summary, path


def test_union_find_merges_transitively():
    uf = UnionFind()
    uf.union("a", "b")
    uf.union("c", "d")
    uf.union("b", "d")
    uf.add("e")
    assert sorted(sorted(g) for g in uf.groups()) == [["a", "b", "c", "d"], ["e"]]
    assert uf.find("a") == uf.find("c") != uf.find("e")


def test_mapping_links_declared_evidence_only(linked):
    store, summary, _ = linked
    # ana: 2 accounts + label + customer C1; zed: 2 accounts + one e-mail hash (case folded) + C7;
    # bob's hash is unverified, so bob links nothing; x:Ana is never mentioned: not linked
    assert summary.to_dict() == {"rows": 6, "persons": 2, "accounts": 4, "largest": 2}
    got = {p["person_id"]: p for p in persons(store)}
    ana = person_id([("account", "instagram", "ana.b"), ("account", "x", "ana")])
    assert ana == "p-" + hashlib.sha256(b"account\x1finstagram\x1fana.b").hexdigest()[:12]
    assert got[ana]["accounts"] == ["instagram:ana.b", "x:ana"]
    assert got[ana]["customer_ids"] == ["C1"] and got[ana]["labels"] == ["ana"]
    zed = next(p for p in got.values() if p["customer_ids"] == ["C7"])
    assert zed["accounts"] == ["facebook:zed", "instagram:zed_ig"] and zed["email_hashes"] == 1
    assert not any(
        "x:Ana" in p["accounts"] or "facebook:bob" in p["accounts"] for p in got.values()
    )


def test_per_person_ladder_and_advocates(linked):
    store, _, _ = linked
    acc = {(r["platform"], r["actor_id"]): r["step"]
           for r in engagement_ladder(store).to_pyarrow().to_pylist()}  # fmt: skip
    assert acc[("x", "ana")] == "commenter" and acc[("instagram", "ana.b")] == "amplifier"
    assert len(acc) == 6  # the brand's own comment is not audience
    per = {
        r["actor_id"]: r for r in engagement_ladder(store, per="person").to_pyarrow().to_pylist()
    }
    ana = next(k for k in per if k.startswith("p-") and per[k]["interactions"] == 3)
    # comments on days 0 and 1 on X, a share on day 2 on Instagram: 3 active days -> advocate
    assert per[ana]["step"] == "advocate" and per[ana]["active_days"] == 3
    assert len(per) == 4  # ana, zed, facebook:bob, x:Ana
    assert per["x:Ana"]["step"] == "amplifier" and per["facebook:bob"]["step"] == "reactor"
    zed = next(k for k in per if k.startswith("p-") and k != ana)
    assert per[zed]["interactions"] == 2 and per[zed]["active_days"] == 1
    seg = {r["step"]: r["actors"] for r in segment_summary(
        store, start=D, end=D + dt.timedelta(days=7), per="person")}  # fmt: skip
    assert seg == {"viewer": 0, "reactor": 2, "commenter": 0, "amplifier": 1, "advocate": 1}
    board = advocates(store, per="person").to_pyarrow().to_pylist()
    top = board[0]
    # weights: comment 4 + comment 4 + share 6 = 14 over 2 accounts
    assert top["actor_id"] == ana and top["score"] == 14 and top["accounts"] == 2
    assert sum(r["interactions"] for r in board) == 7  # every audience interaction, once


def test_per_person_rfm_merges_customers_and_accounts(store, tmp_path):
    store.insert(
        "conversion",
        [
            {"conversion_id": "o1", "customer_id": "C1", "occurred_at": D, "value": 10.0},
            {"conversion_id": "o2", "customer_id": "C9", "occurred_at": D + dt.timedelta(days=1),
             "value": 5.0},
            {"conversion_id": "o3", "customer_id": "C2", "occurred_at": D, "value": 1.0},
        ],
    )  # fmt: skip
    link_persons(store, [{"platform": "x", "author_id": "ana", "customer_id": "C1"},
                         {"platform": "x", "author_id": "ana", "customer_id": "C9"}])  # fmt: skip
    as_of = D + dt.timedelta(days=10)
    per = {r["id"]: r for r in customer_rfm(store, as_of=as_of, per="person")}
    assert len(per) == 2 and per["C2"]["monetary"] == 1.0
    merged = next(r for k, r in per.items() if k.startswith("p-"))
    assert merged["monetary"] == 15.0 and merged["frequency"] == 2
    assert len(customer_rfm(store, as_of=as_of)) == 3
    assert audience_rfm(store, as_of=as_of, per="person") == []  # no interactions stored


@pytest.mark.parametrize(
    "row,message",
    [
        ({"platform": "x", "author_id": "a"}, "declares no link"),
        ({"platform": "x", "person": "p"}, "go together"),
        ({"platform": "x", "author_id": "a", "email_sha256": "ana@example.com"}, "e-mail address"),
        ({"platform": "x", "author_id": "a", "email_sha256": "abc"}, "64 hex"),
        ({"platform": "x", "author_id": "a", "email_sha256": EMPTY_SHA256}, "empty string"),
        ({"platform": "x", "author_id": "a", "person": "p", "email_verified": "maybe"}, "true or"),
    ],
)
def test_bad_evidence_is_a_clear_error(store, row, message):
    with pytest.raises(ConfigError, match=message):
        link_persons(store, [row])


def test_a_shared_placeholder_cannot_merge_everyone(store):
    rows = [{"platform": "x", "author_id": f"a{k}", "customer_id": "TEST"} for k in range(4)]
    with pytest.raises(ConfigError, match="4 accounts"):
        link_persons(store, rows, max_accounts=3)
    assert link_persons(store, rows, max_accounts=4).largest == 4


def test_merge_keeps_stored_links_and_replace_drops_them(store):
    link_persons(store, [{"platform": "x", "author_id": "a", "person": "P"}])
    link_persons(store, [{"platform": "facebook", "author_id": "b", "person": "P"}], replace=False)
    (only,) = persons(store)
    assert only["accounts"] == ["facebook:b", "x:a"]  # the label P joined them
    link_persons(store, [{"platform": "facebook", "author_id": "b", "customer_id": "C"}])
    (only,) = persons(store)
    assert only["accounts"] == ["facebook:b"]


def test_cli_link_persons_and_per_person(linked, tmp_path):
    store, _, path = linked
    db = str(store.url)
    store.close()
    r = CliRunner().invoke(app, ["audience", "link", "--mapping", str(path), "--json", "--db", db])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == {"rows": 6, "persons": 2, "accounts": 4, "largest": 2}
    r = CliRunner().invoke(app, ["audience", "persons", "--json", "--db", db])
    assert len(json.loads(r.output)) == 2
    r = CliRunner().invoke(app, ["audience", "advocates", "--show", "audience", "--per", "person",
                                 "--json", "--db", db])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["advocates"][0]["score"] == 14
    args = ["audience", "segments", "--from", "2026-03-01", "--to", "2026-03-09",
            "--per", "person", "--json", "--db", db]  # fmt: skip
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    steps = {s["step"]: s["actors"] for s in json.loads(r.output)["segments"]}
    assert steps["advocate"] == 1 and sum(steps.values()) == 4
    bad = tmp_path / "bad.csv"
    bad.write_text("platform,author_id,name\nx,a,Ana\n")
    assert main(["audience", "link", "--mapping", str(bad), "--db", db]) == 2
    assert main(["audience", "advocates", "--per", "household", "--db", db]) == 2


@pytest.fixture
def api(tmp_path):
    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server
    from engagelens.store import Store

    control = Control(tmp_path / "data")
    control.create_workspace("shop", "Shop")
    with Store.open(control.workspace_path("shop")) as store:
        store.insert("interaction", INTERACTIONS)
        path = tmp_path / "map.csv"
        path.write_text(MAPPING)
        link_persons(store, read_mapping(path))
    token = control.create_token("shop", "viewer").token
    app_ = create_app(tmp_path / "data", settings={"api_rate_limit_per_minute": 1_000_000})
    with live_server(app_) as url, httpx.Client(
        base_url=url + "/api/v1/workspaces/shop", timeout=60,
        headers={"Authorization": f"Bearer {token}"},
    ) as client:  # fmt: skip
        yield client


def test_api_persons_and_per_person_routes(api):
    r = api.get("/audience/persons")
    assert r.status_code == 200, r.text
    assert [len(p["accounts"]) for p in r.json()["items"]] == [2, 2]
    assert len(api.get("/audience/persons", params={"limit": 1}).json()["items"]) == 1
    r = api.get("/audience/advocates", params={"per": "person"})
    assert r.status_code == 200 and r.json()["items"][0]["score"] == 14
    assert len(api.get("/audience/advocates").json()["items"]) == 6
    r = api.get("/audience/segments", params={"from": "2026-03-01", "to": "2026-03-09",
                                              "per": "person"})  # fmt: skip
    assert r.status_code == 200 and r.json()["per"] == "person"
    assert sum(s["actors"] for s in r.json()["segments"]) == 4
    assert api.get("/audience/advocates", params={"per": "household"}).status_code == 422
