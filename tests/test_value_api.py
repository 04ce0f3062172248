"""The value and audience routes on a real server, against the library on the same store."""

import datetime as dt

import httpx
import pytest

from engagelens.value.summary import Transaction


@pytest.fixture(scope="module")
def api(tmp_path_factory, fixtures_dir):
    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server
    from engagelens.listening.runner import add_query, run
    from engagelens.store import Store

    data_dir = tmp_path_factory.mktemp("api")
    control = Control(data_dir)
    control.create_workspace("shop", "Shop")
    rows = []
    lines = (fixtures_dir / "cdnow" / "CDNOW_sample.txt").read_text().splitlines()
    for k, line in enumerate(lines):
        _, sid, day, _cds, amount = line.split()
        rows.append(
            {
                "conversion_id": str(k),
                "customer_id": sid,
                "occurred_at": dt.datetime.strptime(day, "%Y%m%d"),
                "value": float(amount),
            }
        )
    with Store.open(control.workspace_path("shop")) as store:
        store.insert("conversion", rows)
        store.insert(
            "mention",
            [
                {"platform": "x", "mention_id": "m1", "author_id": "fan", "author_followers": 900,
                 "created_at": dt.datetime(1997, 3, 3), "text": "I love Lumina Coffee",
                 "sentiment": "positive", "reach": 100, "likes": 5, "shares": 5},
                {"platform": "x", "mention_id": "m2", "author_id": "rival", "author_followers": 9e5,
                 "created_at": dt.datetime(1997, 3, 3), "text": "I love Bravo Beans",
                 "sentiment": "positive", "reach": 1000, "likes": 50, "shares": 5},
            ],
        )  # fmt: skip
        add_query(store, "lumina", '"lumina coffee"', kind="brand")
        add_query(store, "bravo", '"bravo beans"', kind="competitor")
        run(store)
    token = control.create_token("shop", "viewer").token
    app = create_app(data_dir, settings={"api_rate_limit_per_minute": 1_000_000})
    with live_server(app) as url, httpx.Client(
        base_url=url + "/api/v1/workspaces/shop", timeout=120,
        headers={"Authorization": f"Bearer {token}"},
    ) as client:  # fmt: skip
        yield client, rows


def test_cltv_route_gives_the_cdnow_fit(api):
    client, rows = api
    r = client.get(
        "/value/cltv",
        params={"calibration_end": "1997-09-30", "time_unit": "weeks", "customers": "false"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert round(body["bgnbd"]["r"], 3) == 0.243 and round(body["bgnbd"]["b"], 3) == 2.426
    assert round(body["gamma_gamma"]["p"], 2) == 6.25
    assert body["distribution"]["customers"] == 2357 and "customers" not in body
    from engagelens.value import cltv_from_transactions

    lib = cltv_from_transactions(
        [Transaction(x["customer_id"], x["occurred_at"], x["value"]) for x in rows],
        calibration_end=dt.datetime(1997, 9, 30),
    )
    assert body["distribution"]["mean"] == pytest.approx(lib.distribution()["mean"])
    assert client.get("/value/cltv", params={"time_unit": "fortnights"}).status_code == 422


def test_brand_influencer_route(api):
    client, _ = api
    body = client.get("/audience/influencers", params={"brand": "lumina"}).json()
    assert [i["author_id"] for i in body["items"]] == ["fan"]
    r = client.get("/audience/influencers", params={"brand": "nobody"})
    assert r.status_code == 404 and "lumina" in r.json()["error"]["message"]
    assert client.get("/audience/ugc", params={"brand": "bravo"}).json()["ugc"] == 1


def test_cascade_route(api):
    client, _ = api
    assert client.get("/audience/cascades").json() == {"items": []}  # no own posts here
    assert client.get("/audience/cascades", params={"brand": "nobody"}).status_code == 404


@pytest.mark.parametrize(
    "path,params",
    [
        ("/audience/segments", {"from": "0001-01-01", "to": "2024-01-01"}),
        ("/audience/segments", {"from": "2024-01-01", "to": "9999-12-31"}),
        ("/audience/segments", {"from": "1997-01-01", "to": "1998-01-01",
                                "compare_from": "0001-01-02", "compare_to": "1997-01-01"}),
        ("/audience/influencers", {"brand": "lumina", "from": "0001-01-01"}),
        ("/audience/ugc", {"brand": "lumina", "to": "9999-12-31"}),
        ("/audience/cascades", {"from": "1899-12-31"}),
        ("/value/cltv", {"calibration_end": "0001-01-01"}),
    ],
)  # fmt: skip
def test_days_outside_the_supported_window_are_a_422_naming_the_limit(api, path, params):
    """Year 1 broke date arithmetic deep in the segment code (a 500 found by schemathesis)."""
    client, _ = api
    r = client.get(path, params=params)
    assert r.status_code == 422, r.text
    assert "1900-01-01" in r.text or "2199-12-31" in r.text


def test_the_edges_of_the_window_are_accepted(api):
    client, _ = api
    r = client.get("/audience/segments", params={"from": "1900-01-01", "to": "2199-12-31"})
    assert r.status_code == 200, r.text
