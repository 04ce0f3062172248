"""The REST API against a real Uvicorn server on 127.0.0.1 (started here, port 0): every
endpoint's success and validation errors, roles, and isolation between workspaces.

Workspaces: ``acme`` (12 known posts, read-only in these tests), ``beta`` (another brand that
even reuses the content id ``a0``), ``gamma`` (where uploads and inbox actions write) and
``delta`` (where the route-by-route success cases write).

Every route of the running app is enumerated (``app.routes``): a route that is not public, not
account-level and not scoped by ``{workspace}`` + ``require_role`` fails the tests, and so does a
route without a success and a validation case in :data:`CASES`.
Expected figures are counted from the seed rows in plain Python (tests/test_api_support.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from statistics import mean
from typing import Any

import httpx
import pytest

from engagelens.api import API_PREFIX, ROLES
from test_api_support import HOSTILE, PASSWORD, Seeded, seed_rows, upload_csv, write_store


@dataclass
class Env:
    url: str
    client: httpx.Client
    data_dir: Any
    tokens: dict[str, str]
    acme: Seeded
    registry: dict[str, Any]
    app: Any

    def get(self, path: str, token: str | None = "admin", **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[token]}"} if token else {}
        return self.client.get(API_PREFIX + path, headers=headers, **kw)

    def post(self, path: str, token: str | None = "admin", **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[token]}"} if token else {}
        return self.client.post(API_PREFIX + path, headers=headers, **kw)

    def delete(self, path: str, token: str | None = "admin", **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[token]}"} if token else {}
        return self.client.delete(API_PREFIX + path, headers=headers, **kw)


def _registry_figures(path) -> dict[str, Any]:
    """What the metric registry says on the seeded store (before the server opens it)."""
    from engagelens.metrics import compute
    from engagelens.store import Store

    with Store.open(path) as store:
        day = compute(store, ["interactions", "engagement_rate_by_reach"], by="day")
        base = compute(store, ["interactions_vs_baseline"], by="content")
        return {
            "day": {r["day"].isoformat(): r for r in day.to_pyarrow().to_pylist()},
            "baseline": {
                r["content_id"]: r["interactions_vs_baseline"]
                for r in base.to_pyarrow().to_pylist()
            },
        }


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server
    from engagelens.store import Store

    data_dir = tmp_path_factory.mktemp("api")
    control = Control(data_dir)
    for slug in ("acme", "beta", "gamma", "delta", "zeta"):
        control.create_workspace(slug, slug.title())
    acme, beta = seed_rows("a", 12), seed_rows("b", 6, shared_id="a0")
    beta.interactions += [
        {**beta.interactions[0], "interaction_id": f"extra-{k}"} for k in range(5)
    ]
    write_store(control.workspace_path("acme"), acme)
    write_store(control.workspace_path("beta"), beta)
    write_store(control.workspace_path("gamma"), seed_rows("g", 4))
    write_store(control.workspace_path("delta"), seed_rows("d", 4))
    write_store(control.workspace_path("zeta"), seed_rows("z", 2))  # pseudonymised by its case
    from engagelens.ingest import ingest_file

    csv = data_dir / "interactions.csv"
    csv.write_bytes(upload_csv("a0"))
    with Store.open(control.workspace_path("beta")) as store:  # beta has batch 1 and quarantine
        ingest_file(store, csv, source="canonical")
    registry = _registry_figures(control.workspace_path("acme"))
    tokens = {role: control.create_token("acme", role, f"acme {role}").token for role in ROLES}
    tokens["beta"] = control.create_token("beta", "admin").token
    tokens["gamma_analyst"] = control.create_token("gamma", "analyst").token
    tokens["gamma_viewer"] = control.create_token("gamma", "viewer").token
    tokens["delta_analyst"] = control.create_token("delta", "analyst").token
    tokens["zeta_admin"] = control.create_token("zeta", "admin").token
    control.create_user("alice", PASSWORD)
    control.grant("alice", "acme", "admin")
    control.grant("alice", "beta", "viewer")
    app = create_app(
        data_dir,
        settings={
            "api_rate_limit_per_minute": 1_000_000,
            "token_cache_ttl_s": 0.0,
            "reply_rate_goal": 0.1,
        },
    )
    with live_server(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield Env(url, client, data_dir, tokens, acme, registry, app)


def _error(r: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]


# -- identity, tokens, passwords -------------------------------------------------------------
def test_health_needs_no_token_and_me_shows_scope(env):
    assert env.get("/health", token=None).json()["status"] == "ok"
    me = env.get("/me", token="viewer").json()
    assert me["kind"] == "token" and me["workspaces"] == [{"slug": "acme", "role": "viewer"}]


@pytest.mark.parametrize("header", [None, "Bearer elk_not-a-real-token", "Basic abc", "Bearer"])
def test_missing_or_wrong_token_is_401(env, header):
    headers = {"Authorization": header} if header else {}
    r = env.client.get(API_PREFIX + "/workspaces/acme/overview", headers=headers)
    _error(r, 401, "unauthenticated")
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_tokens_and_passwords_are_stored_hashed(env):
    from engagelens.api import Control

    with Control(env.data_dir).open() as store:
        rows = store.table("api_token").to_pyarrow().to_pylist()
        users = store.table("api_user").to_pyarrow().to_pylist()
    digests = {r["token_sha256"] for r in rows}
    for token in env.tokens.values():
        assert hashlib.sha256(token.encode()).hexdigest() in digests
        assert all(token not in str(v) for r in rows for v in r.values())
    assert users[0]["password_hash"].startswith("$argon2id$")
    raw = b"".join(p.read_bytes() for p in env.data_dir.glob("control.duckdb*"))
    for secret in [*env.tokens.values(), PASSWORD]:
        assert secret.encode() not in raw


def test_verify_password_gives_roles_per_workspace(env):
    from engagelens.api import Control, verify_password

    control = Control(env.data_dir)
    p = verify_password(control, "alice", PASSWORD)
    assert p is not None and dict(p.roles) == {"acme": "admin", "beta": "viewer"}
    assert (
        p.can("acme", "analyst") and not p.can("beta", "analyst") and not p.can("gamma", "viewer")
    )
    assert verify_password(control, "alice", PASSWORD + "x") is None
    assert verify_password(control, "mallory", PASSWORD) is None


def test_revoked_token_stops_working(env):
    from engagelens.api import Control

    control = Control(env.data_dir)
    new = control.create_token("acme", "viewer", "short-lived")
    headers = {"Authorization": f"Bearer {new.token}"}
    assert env.client.get(API_PREFIX + "/me", headers=headers).status_code == 200
    control.revoke_token(new.token_id)
    _error(env.client.get(API_PREFIX + "/me", headers=headers), 401, "unauthenticated")


# -- every route of the app: classified, authenticated, isolated, role-checked ----------------
#: routes anyone may call
PUBLIC = {("GET", "/health")}
#: routes that need a token but no workspace: they show only the caller's own scope or the
#: metric definitions (no data)
ACCOUNT = {("GET", "/me"), ("GET", "/metrics"), ("GET", "/metrics/{name}"), ("GET", "/workspaces")}


def _required_role(dependant: Any) -> str | None:
    """The role of the ``require_role(...)`` dependency somewhere in a route's dependencies."""
    for dep in dependant.dependencies:
        name = getattr(dep.call, "__name__", "")
        if name.startswith("require_"):
            return name.removeprefix("require_")
        found = _required_role(dep)
        if found:
            return found
    return None


def api_routes(app: Any) -> dict[tuple[str, str], str | None]:
    """(method, path under /api/v1) → the role its ``require_role`` asks for, for every route
    of the running app (so a route added later cannot escape these tests)."""
    out: dict[tuple[str, str], str | None] = {}
    for route in app.routes:
        path = getattr(route, "path", "")
        if not path.startswith(API_PREFIX + "/"):
            continue
        role = _required_role(route.dependant)
        for method in set(getattr(route, "methods", None) or ()) - {"HEAD"}:
            out[(method, path[len(API_PREFIX) :])] = role
    return out


def _workspace_routes(env: Env) -> dict[tuple[str, str], str]:
    return {k: r for k, r in api_routes(env.app).items() if k not in PUBLIC | ACCOUNT}


#: real objects of workspace beta (a batch, a post, an interaction, a metric)
BETA_OBJECTS = {
    "workspace": "beta",
    "batch_id": "1",
    "platform": "instagram",
    "content_id": "b2",
    "interaction_id": "b2-comment-0",
    "name": "interactions",
    "entity": "mention",
    "request_id": "00000000000000000001-00000001",
}
ACME_OBJECTS = {
    **BETA_OBJECTS,
    "workspace": "acme",
    "content_id": "a2",
    "interaction_id": "a2-comment-0",
}
#: parameters that are invalid for most routes: authorisation must still come first
GARBAGE = {
    "from": "yesterday",
    "to": "1999-01-01",
    "limit": "-5",
    "top": "0",
    "by": "nope",
    "sort": "password",
    "kind": "hug",
    "cursor": "x",
    "batch_id": "-1",
}


def _call(
    env: Env,
    method: str,
    path: str,
    token: str | None,
    objects: dict[str, str],
    params: dict[str, str] | None = None,
) -> httpx.Response:
    url = API_PREFIX + path.format(**objects)
    headers = {"Authorization": f"Bearer {env.tokens[token]}"} if token else {}
    if method == "POST" and url.endswith("/ingest"):
        return env.client.post(
            url, headers=headers, params=params, files={"file": ("i.csv", upload_csv("b2"))}
        )
    if method == "POST":
        return env.client.post(url, headers=headers, params=params, json={"assignee": "eve"})
    return env.client.request(method, url, headers=headers, params=params)


def test_every_api_route_is_classified(env):
    routes = api_routes(env.app)
    assert len(routes) >= 24 and PUBLIC | ACCOUNT <= routes.keys()
    for needed in (
        "/workspaces/{workspace}/overview",
        "/workspaces/{workspace}/ingest",
        "/workspaces/{workspace}/content/{platform}/{content_id}",
        "/workspaces/{workspace}/interactions",
        "/workspaces/{workspace}/goals",
        "/workspaces/{workspace}/inbox/{platform}/{interaction_id}",
    ):
        assert ("GET", needed) in routes or ("POST", needed) in routes
    unscoped = {
        k: r
        for k, r in _workspace_routes(env).items()
        if "{workspace}" not in k[1] or r not in ROLES
    }
    assert not unscoped, "routes without a workspace scope and a require_role dependency"


def test_every_api_route_but_health_needs_a_token(env):
    for method, path in api_routes(env.app):
        if (method, path) in PUBLIC:
            continue
        r = _call(env, method, path, None, ACME_OBJECTS)
        _error(r, 401, "unauthenticated")


@pytest.mark.parametrize("token", ROLES)
def test_tokens_of_acme_get_404_for_every_route_and_object_of_beta(env, token):
    failures = {}
    for method, path in _workspace_routes(env):
        for params in (None, GARBAGE):
            r = _call(env, method, path, token, BETA_OBJECTS, params)
            missing = _call(
                env, method, path, token, {**BETA_OBJECTS, "workspace": "nowhere"}, params
            )
            ok = (
                r.status_code == 404
                and r.json()["error"]["code"] == "not_found"
                and missing.status_code == 404  # the same answer as a missing workspace
                and r.json()["error"]["message"].replace("beta", "nowhere")
                == missing.json()["error"]["message"]
            )
            if not ok:
                failures[(method, path, bool(params))] = (r.status_code, r.text[:200])
    assert not failures
    # and nothing was written to beta by any of those calls
    body = env.get("/workspaces/beta/batches", token="beta").json()
    assert body["total"] == 1


def test_every_workspace_route_checks_the_role(env):
    rank = {r: i for i, r in enumerate(ROLES)}
    failures = {}
    for (method, path), needed in _workspace_routes(env).items():
        for token in ROLES:
            # writes name no real item and send no body, so an allowed caller stops at a 404 for
            # the item or at validation: acme stays as it is
            if method == "POST":
                url = API_PREFIX + path.format(**{**ACME_OBJECTS, "interaction_id": "no-such"})
                r = env.client.post(url, headers={"Authorization": f"Bearer {env.tokens[token]}"})
            else:
                r = _call(env, method, path, token, ACME_OBJECTS)
            if rank[token] < rank[needed]:
                good = r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
            else:
                good = r.status_code not in (401, 403) and not (
                    r.status_code == 404 and "workspace" in r.json()["error"]["message"]
                )
            if not good:
                failures[(method, path, token)] = (r.status_code, r.text[:200])
    assert not failures


# -- every route: one success and one validation error (CASES must list every route) ---------
LONG_ID = "x" * 301
#: (method, path) → (success call, validation-error call or None when the route takes no
#: parameter); a call is (token name, concrete path, request keyword arguments, a key the
#: success body must have)
CASES: dict[tuple[str, str], tuple[tuple[Any, ...], tuple[Any, ...] | None]] = {
    ("GET", "/health"): ((None, "/health", {}, "status"), None),
    ("GET", "/me"): (("viewer", "/me", {}, "workspaces"), None),
    ("GET", "/metrics"): (("viewer", "/metrics", {}, "metrics"), None),
    ("GET", "/metrics/{name}"): (
        ("viewer", "/metrics/interactions", {}, "grains"),
        ("viewer", "/metrics/" + "m" * 101, {}),
    ),
    ("GET", "/workspaces"): (("admin", "/workspaces", {}, "workspaces"), None),
    ("GET", "/workspaces/{workspace}"): (("admin", "/workspaces/acme", {}, "rows"), None),
    ("POST", "/workspaces/{workspace}/ingest"): (
        (
            "delta_analyst",
            "/workspaces/delta/ingest",
            {
                "params": {"source": "canonical"},
                "files": {"file": ("interactions.csv", upload_csv("d0"))},
            },
            "batch_id",
        ),
        (
            "delta_analyst",
            "/workspaces/delta/ingest",
            {"params": {"entity": "DROP TABLE"}, "files": {"file": ("i.csv", b"a\n")}},
        ),
    ),
    ("GET", "/workspaces/{workspace}/batches"): (
        ("beta", "/workspaces/beta/batches", {}, "items"),
        ("beta", "/workspaces/beta/batches", {"params": {"offset": -1}}),
    ),
    ("GET", "/workspaces/{workspace}/batches/{batch_id}"): (
        ("beta", "/workspaces/beta/batches/1", {}, "quarantine_reasons"),
        ("beta", "/workspaces/beta/batches/one", {}),
    ),
    ("GET", "/workspaces/{workspace}/quarantine"): (
        ("beta", "/workspaces/beta/quarantine", {"params": {"batch_id": 1}}, "items"),
        ("beta", "/workspaces/beta/quarantine", {"params": {"limit": 0}}),
    ),
    ("GET", "/workspaces/{workspace}/metrics/{name}"): (
        ("viewer", "/workspaces/acme/metrics/likes", {"params": {"by": "week"}}, "rows"),
        ("viewer", "/workspaces/acme/metrics/likes", {"params": {"by": "fortnight"}}),
    ),
    ("GET", "/workspaces/{workspace}/overview"): (
        ("viewer", "/workspaces/acme/overview", {"params": {"from": "2024-03-02"}}, "totals"),
        ("viewer", "/workspaces/acme/overview", {"params": {"top": 51}}),
    ),
    ("GET", "/workspaces/{workspace}/content"): (
        ("viewer", "/workspaces/acme/content", {"params": {"sort": "likes"}}, "items"),
        ("viewer", "/workspaces/acme/content", {"params": {"offset": "x"}}),
    ),
    ("GET", "/workspaces/{workspace}/content/{platform}/{content_id}"): (
        ("viewer", "/workspaces/acme/content/x/a1", {}, "likes"),
        ("viewer", f"/workspaces/acme/content/x/{LONG_ID}", {}),
    ),
    ("GET", "/workspaces/{workspace}/content/{platform}/{content_id}/interactions"): (
        ("viewer", "/workspaces/acme/content/x/a1/interactions", {}, "items"),
        ("viewer", "/workspaces/acme/content/x/a1/interactions", {"params": {"limit": 501}}),
    ),
    ("GET", "/workspaces/{workspace}/interactions"): (
        ("viewer", "/workspaces/acme/interactions", {"params": {"kind": "like"}}, "items"),
        ("viewer", "/workspaces/acme/interactions", {"params": {"from": "2024-13-01"}}),
    ),
    ("GET", "/workspaces/{workspace}/listening/queries"): (
        ("viewer", "/workspaces/acme/listening/queries", {}, "items"),
        None,
    ),
    ("GET", "/workspaces/{workspace}/listening/summary"): (
        ("viewer", "/workspaces/acme/listening/summary", {"params": {"by": "day"}}, "items"),
        ("viewer", "/workspaces/acme/listening/summary", {"params": {"by": "month"}}),
    ),
    ("GET", "/workspaces/{workspace}/listening/spikes"): (
        ("viewer", "/workspaces/acme/listening/spikes", {"params": {"query": "acme"}}, "items"),
        ("viewer", "/workspaces/acme/listening/spikes", {"params": {"query": "q" * 201}}),
    ),
    ("POST", "/workspaces/{workspace}/listening/test"): (
        ("viewer", "/workspaces/acme/listening/test", {"json": {"query": "acme"}}, "matched"),
        ("viewer", "/workspaces/acme/listening/test", {"json": {"query": "acme", "limit": 201}}),
    ),
    ("POST", "/workspaces/{workspace}/listening/queries"): (
        (
            "delta_analyst",
            "/workspaces/delta/listening/queries",
            {"json": {"name": "rival", "query": "brand", "kind": "topic"}},
            "run",
        ),
        (
            "delta_analyst",
            "/workspaces/delta/listening/queries",
            {"json": {"name": "x", "query": "brand", "kind": "hug"}},
        ),
    ),
    ("DELETE", "/workspaces/{workspace}/listening/queries/{name}"): (
        ("gamma_analyst", "/workspaces/gamma/listening/queries/acme", {}, "removed"),
        None,
    ),
    ("GET", "/workspaces/{workspace}/benchmark"): (
        ("viewer", "/workspaces/acme/benchmark", {"params": {"from": "2024-03-02"}}, "brands"),
        ("viewer", "/workspaces/acme/benchmark", {"params": {"from": "yesterday"}}),
    ),
    ("GET", "/workspaces/{workspace}/listening/mentions"): (
        ("viewer", "/workspaces/acme/listening/mentions", {"params": {"search": "love"}}, "items"),
        ("viewer", "/workspaces/acme/listening/mentions", {"params": {"sentiment": "angry"}}),
    ),
    ("GET", "/workspaces/{workspace}/alerts/rules"): (
        ("viewer", "/workspaces/acme/alerts/rules", {}, "items"),
        None,
    ),
    ("POST", "/workspaces/{workspace}/alerts/rules"): (
        (
            "delta_analyst",
            "/workspaces/delta/alerts/rules",
            {"json": {"name": "legal", "kind": "keyword", "keyword": "refund OR lawsuit"}},
            "rule",
        ),
        ("delta_analyst", "/workspaces/delta/alerts/rules", {"json": {"name": "x", "kind": "hug"}}),
    ),
    ("DELETE", "/workspaces/{workspace}/alerts/rules/{name}"): (
        ("delta_analyst", "/workspaces/delta/alerts/rules/legal", {}, "removed"),
        None,
    ),
    ("GET", "/workspaces/{workspace}/alerts/history"): (
        ("viewer", "/workspaces/acme/alerts/history", {"params": {"limit": 5}}, "items"),
        ("viewer", "/workspaces/acme/alerts/history", {"params": {"limit": 0}}),
    ),
    ("POST", "/workspaces/{workspace}/alerts/run"): (
        ("delta_analyst", "/workspaces/delta/alerts/run", {"params": {"dry_run": True}}, "items"),
        ("delta_analyst", "/workspaces/delta/alerts/run", {"params": {"dry_run": "maybe"}}),
    ),
    ("GET", "/workspaces/{workspace}/inbox"): (
        ("viewer", "/workspaces/acme/inbox", {"params": {"limit": 3}}, "items"),
        ("viewer", "/workspaces/acme/inbox", {"params": {"limit": 0}}),
    ),
    ("GET", "/workspaces/{workspace}/inbox/{platform}/{interaction_id}"): (
        ("viewer", "/workspaces/acme/inbox/x/a1-comment-0", {}, "why"),
        ("viewer", f"/workspaces/acme/inbox/x/{LONG_ID}", {}),
    ),
    ("POST", "/workspaces/{workspace}/inbox/{platform}/{interaction_id}/replied"): (
        ("delta_analyst", "/workspaces/delta/inbox/instagram/d2-comment-1/replied", {}, "action"),
        ("delta_analyst", f"/workspaces/delta/inbox/instagram/{LONG_ID}/replied", {}),
    ),
    ("POST", "/workspaces/{workspace}/inbox/{platform}/{interaction_id}/assign"): (
        (
            "delta_analyst",
            "/workspaces/delta/inbox/instagram/d2-comment-0/assign",
            {"json": {"assignee": "sam"}},
            "assignee",
        ),
        (
            "delta_analyst",
            "/workspaces/delta/inbox/instagram/d2-comment-0/assign",
            {"json": {"assignee": ""}},
        ),
    ),
    ("GET", "/workspaces/{workspace}/value/cltv"): (
        ("viewer", "/workspaces/acme/value/cltv", {}, "bgnbd"),
        ("viewer", "/workspaces/acme/value/cltv", {"params": {"time_unit": "fortnights"}}),
    ),
    ("GET", "/workspaces/{workspace}/value/attribution"): (
        ("viewer", "/workspaces/acme/value/attribution", {"params": {"model": "linear"}}, "rows"),
        ("viewer", "/workspaces/acme/value/attribution", {"params": {"model": "shapley"}}),
    ),
    ("GET", "/workspaces/{workspace}/audience/influencers"): (
        ("viewer", "/workspaces/acme/audience/influencers", {"params": {"brand": "acme"}}, "items"),
        ("viewer", "/workspaces/acme/audience/influencers", {"params": {"limit": 0}}),
    ),
    ("GET", "/workspaces/{workspace}/audience/ugc"): (
        ("viewer", "/workspaces/acme/audience/ugc", {"params": {"brand": "acme"}}, "ugc"),
        ("viewer", "/workspaces/acme/audience/ugc", {}),
    ),
    ("GET", "/workspaces/{workspace}/audience/segments"): (
        (
            "viewer",
            "/workspaces/acme/audience/segments",
            {"params": {"from": "2024-03-01", "to": "2024-04-01"}},
            "segments",
        ),
        ("viewer", "/workspaces/acme/audience/segments", {"params": {"from": "2024-03-01"}}),
    ),
    ("GET", "/workspaces/{workspace}/audience/recommendations"): (
        (
            "viewer",
            "/workspaces/acme/audience/recommendations",
            {"params": {"train_from": "2024-01-01", "train_to": "2025-01-01", "min_posts": 1}},
            "items",
        ),
        ("viewer", "/workspaces/acme/audience/recommendations", {"params": {"train_from": "x"}}),
    ),
    ("GET", "/workspaces/{workspace}/audience/advocates"): (
        ("viewer", "/workspaces/acme/audience/advocates", {"params": {"per": "account"}}, "items"),
        ("viewer", "/workspaces/acme/audience/advocates", {"params": {"per": "household"}}),
    ),
    ("GET", "/workspaces/{workspace}/audience/persons"): (
        ("viewer", "/workspaces/acme/audience/persons", {}, "items"),
        ("viewer", "/workspaces/acme/audience/persons", {"params": {"limit": 0}}),
    ),
    ("GET", "/workspaces/{workspace}/audience/leaderboard"): (
        ("viewer", "/workspaces/acme/audience/leaderboard", {"params": {"daily_cap": 5}}, "items"),
        ("viewer", "/workspaces/acme/audience/leaderboard", {"params": {"daily_cap": 0}}),
    ),
    ("GET", "/workspaces/{workspace}/experiments/sample-size"): (
        (
            "viewer",
            "/workspaces/acme/experiments/sample-size",
            {"params": {"baseline": 0.1, "target": 0.12}},
            "kind",
        ),
        ("viewer", "/workspaces/acme/experiments/sample-size", {"params": {"baseline": 2}}),
    ),
    ("POST", "/workspaces/{workspace}/experiments/compare"): (
        (
            "viewer",
            "/workspaces/acme/experiments/compare",
            {
                "json": {
                    "control": "A",
                    "metrics": [
                        {
                            "name": "clicked",
                            "kind": "proportion",
                            "variants": {
                                "A": {"n": 1000, "successes": 100},
                                "B": {"n": 1000, "successes": 130},
                            },
                        }
                    ],
                }
            },
            "comparisons",
        ),
        ("viewer", "/workspaces/acme/experiments/compare", {"json": {"control": "A"}}),
    ),
    ("POST", "/workspaces/{workspace}/privacy/forget"): (
        # zeta is this module's throw-away workspace: forgetting a fan there changes no count
        # that another test reads
        (
            "zeta_admin",
            "/workspaces/zeta/privacy/forget",
            {"json": {"author": "instagram:fan0"}},
            "rows",
        ),
        ("zeta_admin", "/workspaces/zeta/privacy/forget", {"json": {"author": "x"}}),
    ),
    ("POST", "/workspaces/{workspace}/privacy/pseudonymise"): (
        ("zeta_admin", "/workspaces/zeta/privacy/pseudonymise", {}, "rows"),
        None,
    ),
    ("GET", "/workspaces/{workspace}/privacy/ledger"): (
        ("admin", "/workspaces/acme/privacy/ledger", {}, "items"),
        ("admin", "/workspaces/acme/privacy/ledger", {"params": {"limit": 0}}),
    ),
    ("GET", "/workspaces/{workspace}/audience/cascades"): (
        ("viewer", "/workspaces/acme/audience/cascades", {"params": {"infer": "root"}}, "items"),
        ("viewer", "/workspaces/acme/audience/cascades", {"params": {"infer": "guess"}}),
    ),
    ("POST", "/workspaces/{workspace}/events/{entity}"): (
        (
            "delta_analyst",
            "/workspaces/delta/events/mention",
            {
                "json": [
                    {
                        "platform": "x",
                        "mention_id": "m-case",
                        "created_at": "2024-03-01",
                        "text": "hello",
                    }
                ]
            },
            "id",
        ),
        ("delta_analyst", "/workspaces/delta/events/mention", {"json": {"no": "events"}}),
    ),
    ("GET", "/workspaces/{workspace}/events/{entity}/{request_id}"): (
        (
            "delta_analyst",
            "/workspaces/delta/events/mention/00000000000000000001-00000001",
            {},
            "state",
        ),
        ("delta_analyst", "/workspaces/delta/events/mention/nope", {}),
    ),
    ("GET", "/workspaces/{workspace}/goals"): (
        ("viewer", "/workspaces/acme/goals", {"params": {"to": "2024-03-31"}}, "weeks"),
        ("viewer", "/workspaces/acme/goals", {"params": {"ownership": "mine"}}),
    ),
}


def test_cases_cover_every_route(env):
    assert set(CASES) == set(api_routes(env.app))


def _request(env: Env, method: str, call: tuple[Any, ...]) -> httpx.Response:
    token, path, kwargs = call[:3]
    headers = {"Authorization": f"Bearer {env.tokens[token]}"} if token else {}
    return env.client.request(method, API_PREFIX + path, headers=headers, **kwargs)


@pytest.mark.parametrize("route", list(CASES), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_success_and_validation(env, route):
    ok, bad = CASES[route]
    r = _request(env, route[0], ok)
    assert 200 <= r.status_code < 300, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert ok[3] in r.json()
    if bad is not None:
        err = _error(_request(env, route[0], bad), 422)
        assert err["code"] in {"validation", "invalid_parameter"} and err["message"]


def test_beta_objects_are_not_reachable_through_acme(env):
    # same workspace path the token may read, ids that exist only in beta
    _error(env.get("/workspaces/acme/batches/1"), 404, "not_found")
    _error(env.get("/workspaces/acme/content/instagram/b2"), 404, "not_found")
    _error(env.get("/workspaces/acme/content/instagram/b2/interactions"), 404, "not_found")
    assert (
        env.get("/workspaces/acme/interactions", params={"content_id": "b2"}).json()["items"] == []
    )
    assert env.get("/workspaces/acme/quarantine").json()["items"] == []
    # a0 exists in both: acme's answer has acme's counts (beta's a0 has 5 extra likes)
    post = env.get("/workspaces/acme/content/instagram/a0").json()
    assert post["likes"] == env.acme.counts(env.acme.posts[0])["likes"] == 1


def test_workspace_admin_routes_need_admin(env):
    assert env.get("/workspaces").json() == {
        "workspaces": [{"slug": "acme", "name": "Acme", "role": "admin"}]
    }
    _error(env.get("/workspaces", token="viewer"), 403, "forbidden")
    _error(env.get("/workspaces/acme", token="analyst"), 403, "forbidden")
    info = env.get("/workspaces/acme").json()
    assert info["rows"] == {"content": 12, "interaction": len(env.acme.interactions), "mention": 5}


# -- overview --------------------------------------------------------------------------------
def _expected_totals(seed: Seeded, posts: list[dict[str, Any]]) -> dict[str, Any]:
    counts = [seed.counts(p) for p in posts]
    snaps = [seed.snapshot(p) for p in posts]
    return {
        "posts": len(posts),
        "interactions": sum(c["interactions"] for c in counts),
        "likes": sum(c["likes"] for c in counts),
        "comments": sum(c["comments"] for c in counts),
        "shares": sum(c["shares"] for c in counts),
        "engagement_rate_by_reach": mean(
            c["interactions"] / s["reach"] for c, s in zip(counts, snaps, strict=False)
        ),
        "engagement_rate_by_impressions": mean(
            c["interactions"] / s["impressions"] for c, s in zip(counts, snaps, strict=False)
        ),
        "engagement_rate_by_followers": mean(
            c["interactions"] / s["followers"] for c, s in zip(counts, snaps, strict=False)
        ),
    }


def _assert_figures(got: dict[str, Any], want: dict[str, Any]) -> None:
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-9), key


def test_overview_totals_match_hand_counts(env):
    body = env.get("/workspaces/acme/overview", token="viewer").json()
    _assert_figures(body["totals"], _expected_totals(env.acme, env.acme.posts))
    assert body["data_version"] == 0 and body["workspace"] == "acme"


def test_overview_filters_by_date_and_platform(env):
    body = env.get(
        "/workspaces/acme/overview",
        token="viewer",
        params={"from": "2024-03-03", "to": "2024-03-06", "platform": "instagram"},
    ).json()
    lo, hi = dt.datetime(2024, 3, 3), dt.datetime(2024, 3, 7)
    posts = [
        p for p in env.acme.posts if lo <= p["created_at"] < hi and p["platform"] == "instagram"
    ]
    assert [p["content_id"] for p in posts] == ["a2", "a4"]
    _assert_figures(body["totals"], _expected_totals(env.acme, posts))
    assert [d["day"] for d in body["daily"]] == ["2024-03-03", "2024-03-05"]


def test_overview_daily_series_matches_the_registry(env):
    daily = env.get("/workspaces/acme/overview").json()["daily"]
    assert len(daily) == 12
    for row in daily:
        want = env.registry["day"][row["day"]]
        assert row["interactions"] == want["interactions"]
        assert row["engagement_rate_by_reach"] == pytest.approx(want["engagement_rate_by_reach"])


def test_overview_ranks_posts_against_their_baseline(env):
    body = env.get("/workspaces/acme/overview", params={"top": 3}).json()
    base = {k: v for k, v in env.registry["baseline"].items() if v is not None}
    published = {p["content_id"]: p["created_at"] for p in env.acme.posts}  # ties: older first
    best = sorted(base.items(), key=lambda kv: (-kv[1], published[kv[0]]))[:3]
    worst = sorted(base.items(), key=lambda kv: (kv[1], published[kv[0]]))[:3]
    assert [p["content_id"] for p in body["top_posts"]] == [k for k, _ in best]
    assert [p["content_id"] for p in body["bottom_posts"]] == [k for k, _ in worst]
    assert body["top_posts"][0]["interactions_vs_baseline"] == pytest.approx(best[0][1])


def test_overview_with_times_and_ownership(env):
    # a range that is not whole days takes the general path (not the day index)
    body = env.get(
        "/workspaces/acme/overview",
        token="viewer",
        params={
            "from": "2024-03-02T10:00:00Z",
            "to": "2024-03-05T09:59:59+00:00",
            "ownership": "own",
        },
    ).json()
    lo, hi = dt.datetime(2024, 3, 2, 10), dt.datetime(2024, 3, 5, 9, 59, 59)
    posts = [
        p for p in env.acme.posts if lo <= p["created_at"] < hi and p["platform"] == "instagram"
    ]
    assert [p["content_id"] for p in posts] == ["a2"]
    _assert_figures(body["totals"], _expected_totals(env.acme, posts))
    competitor = env.get("/workspaces/acme/overview", params={"ownership": "competitor"}).json()
    x_posts = [p for p in env.acme.posts if p["platform"] == "x"]
    _assert_figures(competitor["totals"], _expected_totals(env.acme, x_posts))


@pytest.mark.parametrize(
    "params,code",
    [
        ({"from": "yesterday"}, "invalid_parameter"),
        ({"from": "2024-03-05", "to": "2024-03-01"}, "invalid_parameter"),
        ({"to": "2024-02-30"}, "invalid_parameter"),
        ({"top": "0"}, "validation"),
        ({"top": "many"}, "validation"),
        ({"ownership": "theirs"}, "validation"),
        ({"platform": ",".join(f"p{i}" for i in range(60))}, "invalid_parameter"),
    ],
)
def test_overview_rejects_bad_parameters_with_422(env, params, code):
    err = _error(env.get("/workspaces/acme/overview", params=params), 422, code)
    assert err["message"]


# -- content and interactions ----------------------------------------------------------------
def test_content_sorted_and_paged(env):
    seed = env.acme
    order = sorted(
        seed.posts, key=lambda p: (-seed.counts(p)["interactions"], p["platform"], p["content_id"])
    )
    seen = []
    for offset in (0, 5, 10):
        body = env.get(
            "/workspaces/acme/content",
            token="viewer",
            params={"sort": "-interactions", "limit": 5, "offset": offset},
        ).json()
        assert body["total"] == 12
        seen += [p["content_id"] for p in body["items"]]
    assert seen == [p["content_id"] for p in order]


def test_content_search_and_hostile_text_round_trips(env):
    body = env.get("/workspaces/acme/content", params={"search": "<SCRIPT>"}).json()
    assert sorted(p["content_id"] for p in body["items"]) == ["a0", "a7"]
    assert body["items"][0]["text"].endswith("<script>alert(1)</script>")  # JSON carries data as is


def test_content_rejects_unknown_sort(env):
    _error(
        env.get("/workspaces/acme/content", params={"sort": "password"}), 422, "invalid_parameter"
    )
    _error(env.get("/workspaces/acme/content", params={"limit": 501}), 422, "validation")


def test_post_interactions_with_text(env):
    body = env.get(
        "/workspaces/acme/content/instagram/a2/interactions",
        token="viewer",
        params={"kind": "comment"},
    ).json()
    want = [i for i in env.acme.interactions if i["content_id"] == "a2" and i["kind"] == "comment"]
    assert sorted(i["text"] for i in body["items"]) == sorted(i["text"] for i in want)
    assert all(t in HOSTILE for t in (i["text"] for i in body["items"]))
    _error(env.get("/workspaces/acme/content/x/a2/interactions"), 404, "not_found")
    _error(
        env.get("/workspaces/acme/content/instagram/a2/interactions", params={"kind": "hug"}),
        422,
        "invalid_parameter",
    )


def test_interactions_cursor_walks_every_row_once_newest_first(env):
    ids, cursor, pages = [], None, 0
    while True:
        params = {"limit": 7, **({"cursor": cursor} if cursor else {})}
        body = env.get("/workspaces/acme/interactions", token="viewer", params=params).json()
        ids += [(i["platform"], i["interaction_id"]) for i in body["items"]]
        cursor, pages = body["next_cursor"], pages + 1
        if cursor is None:
            break
        assert pages < 100
    want = sorted(env.acme.interactions, key=lambda i: (i["platform"], i["interaction_id"]))
    want = sorted(want, key=lambda i: i["occurred_at"], reverse=True)  # stable: ties keep key order
    assert ids == [(i["platform"], i["interaction_id"]) for i in want]


def test_interactions_filters_and_bad_cursor(env):
    body = env.get(
        "/workspaces/acme/interactions", params={"kind": "share", "platform": "x", "limit": 500}
    ).json()
    want = [i for i in env.acme.interactions if i["kind"] == "share" and i["platform"] == "x"]
    assert len(body["items"]) == len(want) > 0
    _error(
        env.get("/workspaces/acme/interactions", params={"cursor": "bm90IGEgY3Vyc29y"}),
        422,
        "invalid_parameter",
    )
    _error(env.get("/workspaces/acme/interactions", params={"limit": 0}), 422, "validation")


# -- metrics ---------------------------------------------------------------------------------
def test_metric_registry_listing(env):
    names = {m["name"] for m in env.get("/metrics", token="viewer").json()["metrics"]}
    assert {"interactions", "engagement_rate_by_reach", "reply_rate"} <= names
    one = env.get("/metrics/engagement_rate_by_reach").json()
    assert one["unit"] == "fraction" and "day" in one["grains"] and one["source"]
    _error(env.get("/metrics/nope"), 404, "unknown_metric")


def test_metric_by_platform_matches_hand_counts(env):
    body = env.get(
        "/workspaces/acme/metrics/interactions", token="viewer", params={"by": "platform"}
    ).json()
    got = {r["platform"]: r["interactions"] for r in body["rows"]}
    want: dict[str, int] = {}
    for p in env.acme.posts:
        want[p["platform"]] = want.get(p["platform"], 0) + env.acme.counts(p)["interactions"]
    assert got == want and body["keys"] == ["platform"]


def test_every_registry_metric_computes_at_total_grain(env):
    from engagelens.metrics import all_metrics

    failed = {}
    for metric in all_metrics():
        r = env.get(
            f"/workspaces/acme/metrics/{metric.name}",
            token="viewer",
            params={"by": "total", "from": "2024-03-02"}
            if "total" in metric.grains
            else {"by": metric.grains[0]},
        )
        if r.status_code != 200 or "rows" not in r.json():
            failed[metric.name] = r.text[:200]
    assert not failed


def test_metric_errors(env):
    _error(env.get("/workspaces/acme/metrics/nope"), 404, "unknown_metric")
    _error(
        env.get("/workspaces/acme/metrics/interactions", params={"by": "fortnight"}),
        422,
        "validation",
    )
    _error(
        env.get("/workspaces/acme/metrics/interactions_vs_baseline", params={"by": "day"}),
        400,
        "unsupported_grain",
    )


# -- listening and inbox ---------------------------------------------------------------------
def test_listening_routes(env):
    assert [q["name"] for q in env.get("/workspaces/acme/listening/queries").json()["items"]] == [
        "acme"
    ]
    rows = env.get("/workspaces/acme/listening/summary", token="viewer").json()["items"]
    want = sum("acme" in m["text"] for m in env.acme.mentions)
    assert [(r["query"], r["volume"]) for r in rows] == [("acme", want)]
    assert env.get("/workspaces/acme/listening/spikes").status_code == 200


def test_alert_rules_fire_once_and_keep_their_history_over_http(env):
    """gamma's seed mentions: 3× "I love acme coffee", 2× "other brand news"."""
    path = "/workspaces/gamma/alerts"
    _error(
        env.post(path + "/rules", token="gamma_viewer", json={"name": "x", "kind": "spike"}),
        403,
        "forbidden",
    )
    bad = {"name": "legal", "kind": "keyword", "keyword": "(love"}
    _error(env.post(path + "/rules", token="gamma_analyst", json=bad), 400, "query_syntax")
    rule = {"name": "love", "kind": "keyword", "keyword": "love", "channels": ["log"]}
    assert env.post(path + "/rules", token="gamma_analyst", json=rule).status_code == 201
    dry = env.post(path + "/run", token="gamma_analyst", params={"dry_run": True}).json()
    assert [e["status"] for e in dry["items"]] == ["dry_run"]
    assert env.get(path + "/history", token="gamma_viewer").json()["items"] == []
    fired = env.post(path + "/run", token="gamma_analyst").json()["items"]
    assert [(e["rule"], e["status"]) for e in fired] == [("love", "sent")]
    assert fired[0]["title"].startswith("3 new mention(s) matching love")
    assert env.post(path + "/run", token="gamma_analyst").json()["items"] == []  # seen
    items = env.get(path + "/history", token="gamma_viewer").json()["items"]
    assert [(e["rule"], e["status"]) for e in items] == [("love", "sent")]
    assert env.delete(path + "/rules/love", token="gamma_analyst").json() == {"removed": "love"}
    assert env.get(path + "/rules", token="gamma_viewer").json()["items"] == []


def test_mention_feed_filters_pages_and_names_unknown_queries(env):
    """Seed mentions am0..am4, one a day from 2024-03-01: 3× "I love acme coffee", then 2×
    "other brand news"; the query acme matches the first three."""
    path = "/workspaces/acme/listening/mentions"
    body = env.get(path, token="viewer", params={"limit": 2}).json()
    assert body["total"] == 5 and [m["mention_id"] for m in body["items"]] == ["am4", "am3"]
    body = env.get(path, token="viewer", params={"query": "acme", "offset": 1}).json()
    assert body["total"] == 3 and [m["mention_id"] for m in body["items"]] == ["am1", "am0"]
    assert body["items"][0]["queries"] == ["acme"]
    body = env.get(path, token="viewer", params={"search": "LOVE", "to": "2024-03-01"}).json()
    assert [m["mention_id"] for m in body["items"]] == ["am0"]
    assert env.get(path, token="viewer", params={"search": "%"}).json()["total"] == 0
    err = _error(env.get(path, token="viewer", params={"query": "nope"}), 404, "not_found")
    assert "queries: acme" in err["message"]


def test_listening_queries_are_managed_and_drafts_tried_over_http(env):
    """Seed mentions of delta: "I love acme coffee" ×3, "other brand news" ×2."""
    draft = env.post(
        "/workspaces/acme/listening/test", token="viewer", json={"query": "love OR news"}
    ).json()
    assert (draft["matched"], draft["scanned"], draft["parsed"]) == (5, 5, "(love OR news)")
    assert [m["created_at"][:10] for m in draft["matches"]] == [
        "2024-03-05", "2024-03-04", "2024-03-03", "2024-03-02", "2024-03-01"
    ]  # fmt: skip
    assert draft["matches"][0]["terms"] == ["news"] and draft["matches"][0]["author_handle"]
    bad = _error(
        env.post("/workspaces/acme/listening/test", token="viewer", json={"query": "(love"}),
        400,
        "query_syntax",
    )
    assert bad["column"] == 1
    _error(
        env.post(
            "/workspaces/acme/listening/queries",
            token="viewer",
            json={"name": "news", "query": "news"},
        ),
        403,
        "forbidden",
    )
    # the summary is cached; a new query must show in it at once (no ingest changed)
    path = "/workspaces/delta/listening/summary"
    before = {r["query"] for r in env.get(path, token="delta_analyst").json()["items"]}
    r = env.post(
        "/workspaces/delta/listening/queries",
        token="delta_analyst",
        json={"name": "news", "query": "news", "kind": "competitor"},
    )
    assert r.status_code == 201 and r.json()["query"]["kind"] == "competitor"
    rows = {r["query"]: r for r in env.get(path, token="delta_analyst").json()["items"]}
    assert "news" not in before and rows["news"]["volume"] == 2
    assert rows["acme"]["share_of_voice"] == pytest.approx(3 / 5)
    # edit under a new name: the old one and its matches go
    r = env.post(
        "/workspaces/delta/listening/queries",
        token="delta_analyst",
        json={
            "name": "other",
            "query": "other AND brand",
            "kind": "competitor",
            "replaces": "news",
        },
    )
    assert r.status_code == 201
    rows = {r["query"]: r["volume"] for r in env.get(path, token="delta_analyst").json()["items"]}
    assert "news" not in rows and rows["other"] == 2
    assert env.delete(
        "/workspaces/delta/listening/queries/other", token="delta_analyst"
    ).json() == {"removed": "other"}
    _error(
        env.delete("/workspaces/delta/listening/queries/other", token="delta_analyst"),
        404,
        "not_found",
    )
    _error(
        env.post(
            "/workspaces/delta/listening/queries",
            token="delta_analyst",
            json={"name": "x", "query": "a AND"},
        ),
        400,
        "query_syntax",
    )


def test_inbox_lists_open_comments(env):
    items = env.get("/workspaces/acme/inbox", token="viewer", params={"limit": 500}).json()["items"]
    comments = {i["interaction_id"] for i in env.acme.interactions if i["kind"] == "comment"}
    assert {i["interaction_id"] for i in items} == comments
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)


def test_inbox_item_shows_its_score_breakdown(env):
    items = env.get("/workspaces/acme/inbox", token="viewer").json()["items"]
    for listed in items[:3]:
        one = env.get(
            f"/workspaces/acme/inbox/{listed['platform']}/{listed['interaction_id']}",
            token="viewer",
        ).json()
        assert one["interaction_id"] == listed["interaction_id"] and one["text"] == listed["text"]
        assert one["score"] == pytest.approx(sum(one["why"].values()))
        assert set(one["why"]) == {"question", "complaint", "negative", "reach", "sla", "momentum"}
    # a like is no inbox item; an id of another workspace is not found here either
    _error(env.get("/workspaces/acme/inbox/instagram/a0-like-0"), 404, "not_found")
    _error(env.get("/workspaces/acme/inbox/instagram/b2-comment-0"), 404, "not_found")


def test_goals_report_counts_inbound_per_week(env):
    body = env.get("/workspaces/acme/goals", token="viewer").json()
    want: dict[str, int] = {}
    for i in env.acme.interactions:
        if i["kind"] == "comment":
            day = i["occurred_at"].date()
            monday = (day - dt.timedelta(days=day.weekday())).isoformat()
            want[monday] = want.get(monday, 0) + 1
    assert {w["week"]: w["inbound"] for w in body["weeks"]} == want
    assert body["reply_rate_goal"] == 0.1  # the server's setting reaches the library
    assert all(
        w["answered"] == 0
        and w["reply_rate"] == 0.0
        and not w["reply_rate_met"]
        and w["reply_rate_goal"] == 0.1
        and w["reply_time_met"] is None
        for w in body["weeks"]
    )
    march = env.get("/workspaces/acme/goals", params={"from": "2024-03-04"}).json()["weeks"]
    assert [w["week"] for w in march] == sorted(k for k in want if k >= "2024-03-04")


def test_inbox_actions_need_analyst_and_change_the_inbox(env):
    before = env.get("/workspaces/gamma/inbox", token="gamma_viewer").json()["items"]
    target = before[0]
    path = f"/workspaces/gamma/inbox/{target['platform']}/{target['interaction_id']}"
    assert env.get(path, token="gamma_viewer").json()["score"] == target["score"]
    _error(env.post(path + "/replied", token="gamma_viewer"), 403, "forbidden")
    assert (
        env.post(path + "/assign", token="gamma_analyst", json={"assignee": "sam"}).status_code
        == 200
    )
    assigned = env.get(
        "/workspaces/gamma/inbox", token="gamma_viewer", params={"assignee": "sam"}
    ).json()["items"]
    assert [i["interaction_id"] for i in assigned] == [target["interaction_id"]]
    _error(env.post(path + "/assign", token="gamma_analyst", json={}), 422, "validation")
    assert env.post(path + "/replied", token="gamma_analyst").status_code == 200
    after = env.get("/workspaces/gamma/inbox", token="gamma_viewer").json()["items"]
    assert {i["interaction_id"] for i in after} == {i["interaction_id"] for i in before[1:]}
    _error(env.get(path, token="gamma_viewer"), 404, "not_found")  # answered: no longer open
    _error(
        env.post("/workspaces/gamma/inbox/x/nope/replied", token="gamma_analyst"), 404, "not_found"
    )


# -- ingest, batches, quarantine -------------------------------------------------------------
def test_upload_ingests_counts_quarantine_and_refreshes_answers(env):
    before = env.get("/workspaces/gamma/overview", token="gamma_viewer").json()
    assert before["data_version"] == 0
    _error(
        env.post(
            "/workspaces/gamma/ingest",
            token="gamma_viewer",
            files={"file": ("i.csv", upload_csv("g0"))},
        ),
        403,
        "forbidden",
    )
    r = env.post(
        "/workspaces/gamma/ingest",
        token="gamma_analyst",
        params={"source": "canonical", "entity": "interaction"},
        files={"file": ("../../etc/interaction s.csv", upload_csv("g0"))},
    )
    assert r.status_code == 201, r.text
    s = r.json()
    assert (s["rows_read"], s["rows_stored"], s["rows_quarantined"]) == (3, 2, 1)
    assert s["file"] == "interaction_s.csv"  # base name only, sanitised; no server path
    after = env.get("/workspaces/gamma/overview", token="gamma_viewer").json()
    assert after["data_version"] == s["batch_id"] == 1
    assert after["totals"]["interactions"] == before["totals"]["interactions"] + 2
    batches = env.get("/workspaces/gamma/batches", token="gamma_viewer").json()
    assert batches["total"] == 1 and batches["items"][0]["rows_quarantined"] == 1
    one = env.get("/workspaces/gamma/batches/1", token="gamma_viewer").json()
    assert sum(q["rows"] for q in one["quarantine_reasons"]) == 1
    rows = env.get(
        "/workspaces/gamma/quarantine", token="gamma_viewer", params={"batch_id": 1}
    ).json()["items"]
    assert [q["line"] for q in rows] == [3] and "not_a_kind" in rows[0]["raw"]
    # the same file again: every row is a duplicate or quarantined, nothing new
    again = env.post(
        "/workspaces/gamma/ingest",
        token="gamma_analyst",
        params={"source": "canonical"},
        files={"file": ("interactions.csv", upload_csv("g0"))},
    ).json()
    assert (again["rows_stored"], again["rows_duplicate"]) == (0, 2)


def test_upload_validation(env):
    _error(env.post("/workspaces/gamma/ingest", token="gamma_analyst"), 422, "validation")
    _error(
        env.post(
            "/workspaces/gamma/ingest",
            token="gamma_analyst",
            params={"source": "myspace"},
            files={"file": ("i.csv", upload_csv("g0"))},
        ),
        422,
        "invalid_parameter",
    )
    r = env.post(
        "/workspaces/gamma/ingest", token="gamma_analyst", files={"file": ("notes.csv", b"")}
    )
    assert r.status_code == 400 and r.json()["error"]["code"] in {
        "unreadable_file",
        "ingest",
        "unknown_source",
    }


def test_upload_takes_a_conflict_policy_and_reports_conflicts_lines_and_connectors(env):
    csv_text = (
        "interaction_id,platform,kind,occurred_at,text\n"
        '1,x,comment,2024-01-01,"two\nlines"\n'
        "1,x,comment,2024-01-01,other\n"
        "2,x,comment,not a date,x\n"
    )
    r = env.post(
        "/workspaces/gamma/ingest",
        token="gamma_analyst",
        params={"source": "canonical", "entity": "interaction", "on_conflict": "last"},
        files={"file": ("interaction.csv", csv_text.encode())},
    )
    assert r.status_code == 201, r.text
    s = r.json()
    assert (s["conflicting_keys"], s["on_conflict"]) == (1, "last")
    assert s["conflicts"][0]["lines"] == [2, 4] and s["conflicts"][0]["records"] == [1, 2]
    rows = env.get(
        "/workspaces/gamma/quarantine", token="gamma_viewer", params={"batch_id": s["batch_id"]}
    ).json()["items"]
    assert [(q["line"], q["record"]) for q in rows] == [(5, 3)]
    _error(
        env.post(
            "/workspaces/gamma/ingest",
            token="gamma_analyst",
            params={"on_conflict": "newest"},
            files={"file": ("i.csv", upload_csv("g0"))},
        ),
        422,
        "invalid_parameter",
    )
    insights = (
        '{"data": [{"name": "reach", "period": "day", "id": "9/insights/reach/day", '
        '"values": [{"value": 5, "end_time": "2024-05-02T07:00:00+0000"}]}]}'
    )
    r = env.post(
        "/workspaces/gamma/ingest",
        token="gamma_analyst",
        params={"source": "graph_insights"},
        files={"file": ("insights.json", insights.encode())},
    )
    assert r.status_code == 201, r.text
    assert (r.json()["source"], r.json()["rows_stored"]) == ("graph_insights:user_insights", 1)


def test_batch_and_quarantine_validation(env):
    _error(env.get("/workspaces/acme/batches/-1"), 422, "validation")
    _error(env.get("/workspaces/acme/batches", params={"limit": "x"}), 422, "validation")
    _error(env.get("/workspaces/acme/quarantine", params={"batch_id": 7}), 404, "not_found")


# -- transport: headers, docs, unknown routes ------------------------------------------------
def test_security_headers_on_every_response(env):
    responses = [
        env.get("/health", token=None),
        env.get("/workspaces/acme/overview"),
        env.get("/workspaces/acme/overview", params={"top": 0}),
        env.get("/nothing-here"),
        env.get("/me", token=None),
        env.client.get("/docs"),
        env.client.get("/openapi.json"),
    ]
    for r in responses:
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
    assert responses[1].headers["cache-control"] == "no-store"


def test_docs_page_and_openapi(env):
    spec = env.client.get("/openapi.json").json()
    assert "/api/v1/workspaces/{workspace}/overview" in spec["paths"]
    page = env.client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/api/v1/workspaces/{workspace}/ingest" in page.text and "<script" not in page.text


def test_unknown_route_and_method_use_the_error_shape(env):
    _error(env.get("/nothing-here"), 404, "not_found")
    _error(env.client.delete(API_PREFIX + "/health"), 405, "method_not_allowed")
    _error(
        env.client.post(
            API_PREFIX + "/workspaces/gamma/inbox/x/y/assign",
            headers={
                "Authorization": f"Bearer {env.tokens['gamma_analyst']}",
                "content-type": "application/json",
            },
            content=b"{not json",
        ),
        422,
        "validation",
    )
