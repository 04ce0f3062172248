"""Alerts: delivered to a real local webhook server and a real local SMTP server, deduplicated
with a cool-down, evaluated after ingest through the pluggy hook."""

from __future__ import annotations

import datetime as dt
import json

import pluggy
import pytest

from engagelens.errors import ConfigError, QuerySyntaxError
from engagelens.listening import add_query, alerts

NOW = dt.datetime(2024, 5, 1, 12, 0)


def _mention(store, mid, text, followers=10, when=NOW, sentiment=None, author="someone"):
    store.insert(
        "mention",
        [
            {
                "platform": "x",
                "mention_id": str(mid),
                "text": text,
                "author_handle": author,
                "author_followers": followers,
                "created_at": when,
                "sentiment": sentiment,
            }
        ],
    )


def test_keyword_alert_reaches_webhook_and_smtp_once_within_cooldown(store, webhook, smtp):
    url, posted = webhook
    mailto, inbox = smtp
    alerts.add_rule(
        store, "legal", "keyword", keyword="refund OR lawsuit", channels=[url, mailto, "log"]
    )
    _mention(store, 1, "I will file a LAWSUIT <script>x</script>")
    _mention(store, 2, "nice flight")
    first = alerts.evaluate(store, now=NOW, cooldown_minutes=60)
    assert [e["status"] for e in first] == ["sent"]
    assert json.loads(first[0]["deliveries"]) == {url: "ok", mailto: "ok", "log": "ok"}
    assert len(posted) == 1 and posted[0]["type"] == "application/json"
    payload = posted[0]["json"]
    assert payload["rule"] == "legal" and payload["details"]["count"] == 1
    assert payload["details"]["examples"][0]["mention_id"] == "1"
    assert len(inbox.messages) == 1
    rcpt, message = inbox.messages[0]
    assert rcpt == ["ops@example.org"] and message["From"] == "alerts@example.org"
    assert json.loads(message.get_payload(decode=True))["details"]["count"] == 1
    assert "matching refund OR lawsuit" in message["Subject"]

    # a new matching mention 10 minutes later: same rule within the cool-down -> suppressed
    _mention(store, 3, "refund please")
    second = alerts.evaluate(store, now=NOW + dt.timedelta(minutes=10), cooldown_minutes=60)
    assert [e["status"] for e in second] == ["suppressed"]
    assert len(posted) == 1 and len(inbox.messages) == 1

    # nothing new: no alert at all (mentions already looked at)
    assert alerts.evaluate(store, now=NOW + dt.timedelta(minutes=20), cooldown_minutes=60) == []

    # after the cool-down a new matching mention alerts again
    _mention(store, 4, "lawsuit incoming")
    third = alerts.evaluate(store, now=NOW + dt.timedelta(minutes=90), cooldown_minutes=60)
    assert [e["status"] for e in third] == ["sent"] and len(posted) == 2
    assert [h["status"] for h in alerts.history(store)] == ["sent", "suppressed", "sent"]


def test_author_followers_rule_and_stdout(store, capsys):
    add_query(store, "brand", "acme", kind="brand")
    alerts.add_rule(store, "vip", "author_followers", threshold=10_000, query="brand")
    _mention(store, 1, "acme is great", followers=50_000, author="celebrity\u202e")
    _mention(store, 2, "acme is fine", followers=50)
    _mention(store, 3, "other brand", followers=90_000)  # big, but not about the brand
    events = alerts.evaluate(store, now=NOW)
    payload = json.loads(events[0]["payload"])
    assert [e["mention_id"] for e in payload["details"]["examples"]] == ["1"]
    out = capsys.readouterr().out
    assert "ALERT [vip]" in out and "\u202e" not in out


def test_negative_share_rule(store):
    add_query(store, "brand", "acme", kind="brand")
    alerts.add_rule(
        store,
        "angry",
        "negative_share",
        query="brand",
        threshold=0.5,
        min_mentions=4,
        channels=["log"],
    )
    for i, label in enumerate(["negative", "negative", "neutral", "positive"]):
        _mention(store, i, "acme", sentiment=label)
    assert alerts.evaluate(store, now=NOW) == []  # 2/4 = 50 % is not above 50 %
    _mention(store, 9, "acme", sentiment="negative")  # 3/5 = 60 %
    events = alerts.evaluate(store, now=NOW + dt.timedelta(minutes=1))
    payload = json.loads(events[0]["payload"])
    assert payload["details"]["negative_share"] == pytest.approx(3 / 5)
    assert events[0]["dedup_key"] == f"angry|brand|{NOW.date().isoformat()}"


def test_spike_rule_fires_on_the_newest_day_with_drivers(store):
    add_query(store, "brand", "acme", kind="brand")
    alerts.add_rule(store, "spike", "spike", query="brand", channels=["log"])
    start = dt.datetime(2024, 4, 1, 9)
    n = 0
    for d in range(28):
        for _ in range(5):
            n += 1
            _mention(store, n, "acme ok", when=start + dt.timedelta(days=d))
    assert alerts.evaluate(store, now=NOW) == []
    for _ in range(40):
        n += 1
        _mention(store, n, "acme outage everywhere", when=start + dt.timedelta(days=28))
    events = alerts.evaluate(store, now=NOW)
    assert len(events) == 1
    details = json.loads(events[0]["payload"])["details"]
    assert details["count"] == 40 and details["day"] == "2024-04-29"
    assert details["drivers"]["terms"][:2] in (["outage", "everywhere"], ["everywhere", "outage"])


def test_failed_delivery_is_recorded_not_raised(store):
    alerts.add_rule(
        store, "kw", "keyword", keyword="refund", channels=["http://127.0.0.1:9/unreachable"]
    )
    _mention(store, 1, "refund")
    (event,) = alerts.evaluate(store, now=NOW)
    assert event["status"] == "failed"
    assert json.loads(event["deliveries"])["http://127.0.0.1:9/unreachable"].startswith("error")


def test_hostile_names_cannot_forge_lines_or_headers(store, smtp, capsys):
    mailto, inbox = smtp
    # a line break in a name is refused outright (model.names) ...
    with pytest.raises(ConfigError, match="control character"):
        add_query(store, "brand\r\nBcc: victim@example.org", "acme", kind="brand")
    with pytest.raises(ConfigError, match="control character"):
        alerts.add_rule(store, "angry\u2028ALERT [fake]", "keyword", keyword="x")
    # ... and what a name may hold (bidi overrides, "Bcc:") cannot forge a line or a header
    add_query(store, "brand\u202e Bcc: victim@example.org", "acme", kind="brand")
    alerts.add_rule(
        store,
        "angry\u202eALERT [fake]",
        "negative_share",
        threshold=0.1,
        min_mentions=1,
        channels=["stdout", mailto],
    )
    _mention(store, 1, "acme \u202eevil", sentiment="negative")
    (event,) = alerts.evaluate(store, now=NOW)
    assert event["status"] == "sent"
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "\u202e" not in out
    ((rcpt, message),) = inbox.messages
    assert rcpt == ["ops@example.org"] and message["Bcc"] is None
    subject = " ".join(str(message["Subject"]).split())  # undo the generator's line folding
    assert "of brand Bcc: victim@example.org's mentions" in subject  # inside the subject
    assert "\u202e" not in subject


def test_rule_validation(store):
    with pytest.raises(QuerySyntaxError) as info:
        alerts.add_rule(store, "bad", "keyword", keyword="refund AND")
    assert info.value.column == 11
    with pytest.raises(ConfigError):
        alerts.add_rule(store, "bad", "negative_share", threshold=40)
    with pytest.raises(ConfigError):
        alerts.add_rule(store, "bad", "keyword", keyword="x", channels=["ftp://nope"])


def _plugin_manager():
    """The project's hook manager when the ingest layer has built it, else the same spec."""
    try:
        from engagelens import hooks
    except ImportError:
        hooks = None
    if hooks is not None and hasattr(hooks, "plugin_manager"):
        return hooks.plugin_manager()

    class Spec:
        @pluggy.HookspecMarker("engagelens")
        def engagelens_after_ingest(self, store, summary):
            """After a batch is stored."""

    pm = pluggy.PluginManager("engagelens")
    pm.add_hookspecs(Spec)
    pm.register(alerts)
    return pm


def test_after_ingest_hook_runs_queries_and_alerts(store, webhook):
    url, posted = webhook
    add_query(store, "brand", "acme", kind="brand")
    alerts.add_rule(store, "kw", "keyword", keyword="lawsuit", query="brand", channels=[url])
    _mention(store, 1, "acme lawsuit")
    pm = _plugin_manager()
    content_batch = type("S", (), {"rows_stored": 3, "entity": "content"})()
    pm.hook.engagelens_after_ingest(store=store, summary=content_batch)
    assert store.count("listening_match") == 0 and posted == []  # not a mention batch
    pm.hook.engagelens_after_ingest(store=store, summary=type("S", (), {"rows_stored": 1})())
    assert store.count("listening_match") == 1
    assert len(posted) == 1
    assert posted[0]["json"]["details"]["examples"][0]["text"] == "acme lawsuit"


def test_negative_share_uses_the_text_layer_when_the_source_has_no_label(store):
    from engagelens.text import analyze

    texts = [
        "acme is terrible, worst service ever, I hate it",
        "acme awful, never again",
        "acme is great, love it",
        "acme delivered my parcel",
    ]
    for i, text in enumerate(texts):
        _mention(store, i, text)  # no source sentiment
    labels = [a["sentiment"] for a in analyze(texts)]  # what the text layer says, independently
    share = labels.count("negative") / len(labels)
    add_query(store, "brand", "acme", kind="brand")
    alerts.add_rule(
        store,
        "angry",
        "negative_share",
        query="brand",
        threshold=0.0,
        min_mentions=4,
        channels=["log"],
    )
    events = alerts.evaluate(store, now=NOW)
    assert store.count("text_analysis") == 4
    if share > 0:
        assert json.loads(events[0]["payload"])["details"]["negative_share"] == pytest.approx(share)
    else:
        assert events == []


def test_dry_run_delivers_and_records_nothing(store, webhook):
    url, posted = webhook
    alerts.add_rule(store, "kw", "keyword", keyword="refund", channels=[url])
    _mention(store, 1, "refund now")
    dry = alerts.evaluate(store, now=NOW, deliver=False)
    assert [e["status"] for e in dry] == ["dry_run"] and posted == []
    assert alerts.history(store) == [] and store.count("alert_seen") == 0
    real = alerts.evaluate(store, now=NOW)  # the same mention still alerts for real
    assert [e["status"] for e in real] == ["sent"] and len(posted) == 1


def _write_csv(path, header, rows):
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_real_ingest_runs_listening_and_alerts_through_the_hook(store, webhook, tmp_path, caplog):
    from engagelens.ingest import ingest_file

    url, posted = webhook
    add_query(store, "brand", "acme", kind="brand")
    alerts.add_rule(
        store, "legal", "keyword", keyword="lawsuit OR refund", query="brand", channels=[url]
    )
    header = ["platform", "mention_id", "created_at", "text", "author_handle"]
    first = _write_csv(
        tmp_path / "mention.csv",
        header,
        [
            ["x", "m1", "2024-05-01 10:00:00", "acme lawsuit filed", "a"],
            ["x", "m2", "2024-05-01 11:00:00", "acme is fine", "b"],
            ["x", "m3", "2024-05-01 12:00:00", "refund from globex", "c"],
        ],
    )
    summary = ingest_file(store, first)
    assert summary.rows_stored == 3
    assert store.count("listening_match") == 2  # the hook ran the queries
    assert len(posted) == 1 and posted[0]["json"]["details"]["count"] == 1

    # a broken rule (stored behind the validation's back) is logged, not raised: the batch
    # is committed and must not look failed
    store.insert(
        "alert_rule",
        [
            {
                "name": "broken",
                "kind": "keyword",
                "keyword": "refund AND",
                "channels": '["log"]',
                "enabled": True,
            }
        ],
    )
    second = _write_csv(
        tmp_path / "mention2.csv", header, [["x", "m4", "2024-05-02 10:00:00", "acme again", "d"]]
    )
    with caplog.at_level("ERROR", logger="engagelens.alerts"):
        assert ingest_file(store, second, entity="mention").rows_stored == 1
    assert store.count("mention") == 4 and store.count("listening_match") == 3
    assert "after ingest of batch" in caplog.text and "column 11" in caplog.text
