"""HTML and PDF reports: the same figures as the CLI table, with the previous period, hostile
account names escaped, and a PDF printed by Debian's Chromium whose pages are rendered to PNG
and read back for the KPI values."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
from pathlib import Path

import pytest

from engagelens.cli.main import main
from engagelens.errors import ConfigError
from engagelens.metrics.scope import Scope
from engagelens.reports import build_report
from engagelens.reports.html import render_html
from engagelens.store import Store

HOSTILE = "<script>alert(1)</script>\u202e=HYPERLINK(1)"
CHROMIUM = os.environ.get("ENGAGELENS_CHROMIUM", "/usr/bin/chromium")

# (content_id, account, published) — March is the period, February the one before it
POSTS = [
    ("m1", "brand", dt.datetime(2026, 3, 2, 9)),
    ("m2", "brand", dt.datetime(2026, 3, 10, 9)),
    ("m3", "brand", dt.datetime(2026, 3, 20, 9)),
    ("f1", "brand", dt.datetime(2026, 2, 5, 9)),
    ("f2", "brand", dt.datetime(2026, 2, 20, 9)),
    ("r1", "rival", dt.datetime(2026, 3, 3, 9)),  # competitor: outside the default scope
]
# (post, kind, day offset after publishing, how many)
EVENTS = [
    ("m1", "like", 0, 5), ("m1", "share", 1, 2), ("m2", "comment", 0, 3), ("m3", "like", 2, 4),
    ("f1", "like", 0, 6), ("f2", "share", 0, 1), ("r1", "like", 0, 50),
]  # fmt: skip
MARCH = (dt.datetime(2026, 3, 1), dt.datetime(2026, 4, 1))  # previous: 2026-01-29 .. 03-01


def _fill(store: Store, own_id: str = "brand") -> None:
    store.insert(
        "account",
        [
            {"platform": "instagram", "account_id": own_id, "is_own": True},
            {"platform": "instagram", "account_id": "rival", "is_competitor": True},
        ],
    )
    store.insert(
        "content",
        [
            {"platform": "instagram", "content_id": c, "account_id": own_id if a == "brand" else a,
             "created_at": ts, "kind": "photo"}
            for c, a, ts in POSTS
        ],
    )  # fmt: skip
    published = {c: ts for c, _, ts in POSTS}
    rows, k = [], 0
    for post, kind, offset, n in EVENTS:
        for _ in range(n):
            k += 1
            rows.append(
                {"platform": "instagram", "interaction_id": str(k), "actor_id": f"u{k}",
                 "kind": kind, "content_id": post,
                 "occurred_at": published[post] + dt.timedelta(days=offset, hours=k % 5)}
            )  # fmt: skip
    store.insert("interaction", rows)


def _expected(start: dt.datetime, end: dt.datetime) -> dict[str, float]:
    """Posts, interactions and shares per post of own posts published in [start, end)."""
    own = {c for c, a, ts in POSTS if a == "brand" and start <= ts < end}
    events = [(p, kind, n) for p, kind, _, n in EVENTS if p in own]
    shares = sum(n for _, kind, n in events if kind == "share")
    return {
        "posts": len(own),
        "interactions": sum(n for *_, n in events),
        "amplification_rate": shares / len(own),
    }


def test_report_figures_and_previous_period_match_hand_counts(store):
    _fill(store)
    doc = build_report(store, Scope("own"), *MARCH)
    lines = {line.name: line for line in doc.lines}
    now, before = _expected(*MARCH), _expected(dt.datetime(2026, 1, 29), MARCH[0])
    assert (now["posts"], now["interactions"]) == (3, 14)  # the hand count of the fixture
    for name, value in now.items():
        assert lines[name].value == pytest.approx(value)
        assert lines[name].previous == pytest.approx(before[name])
    # 14 interactions vs 7 before: +100 %, and more interactions is good
    assert lines["interactions"].change_text == "+100.0% ▲"
    assert lines["interactions"].trend == "good"
    assert lines["posts"].value_text == "3" and lines["posts"].previous_text == "2"
    assert "own accounts (1): brand" == doc.scope
    assert doc.period.startswith("2026-03-01 – 2026-03-31 (31 days")
    assert doc.previous_period is not None and doc.previous_period.startswith("2026-01-29")
    assert doc.notes == ()
    # the daily series only holds days with data; the chart adds the quiet ones
    assert sum(r["interactions"] for r in doc.daily) == now["interactions"]


def test_a_period_outside_the_data_says_so(store):
    _fill(store)
    doc = build_report(store, Scope("own"), dt.datetime(2030, 1, 1), dt.datetime(2030, 2, 1))
    assert doc.notes == ("no interactions in this period: the store holds 2026-02-05 – 2026-03-22",)
    assert "no interactions in this period" in render_html(doc)


def test_html_escapes_hostile_names_and_draws_every_day(store):
    _fill(store, own_id=HOSTILE)
    doc = build_report(store, Scope("own"), *MARCH)
    page = render_html(doc)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<bdi>" in page  # the RTL override stays inside its own isolate
    assert "http://" not in page and "https://" not in page and "<script" not in page
    # one column per calendar day from the first to the last day with interactions, per chart
    days = {r["day"] for r in doc.daily}
    span = (max(days) - min(days)).days + 1
    assert page.count("<rect ") == 2 * span


def _pdf_text_and_pngs(pdf: Path, out: Path) -> tuple[str, list[Path]]:
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(str(pdf))
    text, pngs = [], []
    for i in range(len(document)):
        page = document[i]
        text.append(page.get_textpage().get_text_range())
        image = page.render(scale=1.5).to_pil()
        pngs.append(out / f"report-page-{i + 1}.png")
        image.save(pngs[-1])
        # a rendered page, not a blank one: some pixels are dark (text), some blue (bars)
        grey = image.convert("L")
        assert grey.getextrema()[0] < 80
    return "\n".join(text), pngs


def test_pdf_report_from_the_cli_carries_the_kpis(tmp_path, capsys, monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt install chromium)")
    pytest.importorskip("playwright")
    db = str(tmp_path / "r.duckdb")
    with Store.open(db) as s:
        _fill(s)
    pdf = tmp_path / "out" / "report.pdf"
    monkeypatch.setenv("ENGAGELENS_CHROMIUM_PATH", CHROMIUM)
    argv = ["report", "--from", "2026-03-01", "--to", "2026-04-01", "--format", "pdf"]
    assert main([*argv, "--out", str(pdf), "--db", db]) == 0
    assert pdf.read_bytes().startswith(b"%PDF-")
    text, pngs = _pdf_text_and_pngs(pdf, tmp_path)
    flat = re.sub(r"\s+", " ", text)
    assert "Period: 2026-03-01 – 2026-03-31" in flat
    assert re.search(r"Interactions .*?14 7 \+100\.0%", flat), flat[:800]
    assert re.search(r"Amplification rate .*?0\.67 shares per post 0\.50 shares per post", flat)
    assert pngs and all(p.stat().st_size > 5_000 for p in pngs)


def test_a_missing_chromium_is_a_clear_error(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "r.duckdb")
    with Store.open(db) as s:
        _fill(s)
    monkeypatch.setenv("ENGAGELENS_CHROMIUM_PATH", str(tmp_path / "no-such-chromium"))
    code = main(["report", "--format", "pdf", "--out", str(tmp_path / "x.pdf"), "--db", db])
    assert code == 2
    assert "is not a file" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_html_report_to_a_file(tmp_path, capsys):
    db = str(tmp_path / "r.duckdb")
    with Store.open(db) as s:
        _fill(s)
    out = tmp_path / "r.html"
    assert main(["report", "--format", "html", "--out", str(out), "--db", db]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "Scope:" in page and "brand" in page


# -- scheduled reports ------------------------------------------------------------------------
def test_last_complete_period_is_yesterday_or_last_monday_to_monday():
    from engagelens.reports.schedule import last_complete_period

    tuesday = dt.datetime(2026, 3, 10, 8, 30)
    assert last_complete_period("daily", tuesday) == (
        dt.datetime(2026, 3, 9),
        tuesday.replace(hour=0, minute=0),
    )
    assert last_complete_period("weekly", tuesday) == (
        dt.datetime(2026, 3, 2),
        dt.datetime(2026, 3, 9),
    )
    monday_midnight = dt.datetime(2026, 3, 9)
    assert last_complete_period("weekly", monday_midnight) == (
        dt.datetime(2026, 3, 2),
        monday_midnight,
    )
    with pytest.raises(ConfigError, match="--every must be one of daily, weekly"):
        last_complete_period("monthly", tuesday)


def test_weekly_html_report_reaches_the_webhook_once_per_week(store, webhook):
    from engagelens.reports import schedule

    url, posted = webhook
    _fill(store)
    schedule.add_schedule(store, "team", every="weekly", channel=url, fmt="html")
    # Wed 2026-03-11: the last complete week is Mon 03-02 .. Mon 03-09, in which post m1 was
    # published (5 likes + 2 shares); m2 (3 comments) was published in the next week
    done = schedule.run_due(store, now=dt.datetime(2026, 3, 11, 7))
    assert [(d.status, d.period_start) for d in done] == [("sent", dt.datetime(2026, 3, 2))]
    assert len(posted) == 1 and posted[0]["type"] == "application/json"
    body = posted[0]["json"]
    assert body["figures"]["posts"] == 1 and body["figures"]["interactions"] == 7
    assert body["previous"]["posts"] is None  # Feb 23 .. Mar 2: no post, so no row
    assert body["period"].startswith("2026-03-02 – 2026-03-08 (7 days")
    assert body["html"].startswith("<!doctype html>") and "pdf_base64" not in body
    # the same week again (a second timer, a re-run): nothing is sent twice
    assert schedule.run_due(store, now=dt.datetime(2026, 3, 12, 7)) == []
    assert len(posted) == 1
    # the next week: one more delivery
    nxt = schedule.run_due(store, now=dt.datetime(2026, 3, 16, 1))
    assert [d.period_start for d in nxt] == [dt.datetime(2026, 3, 9)] and len(posted) == 2
    assert posted[1]["json"]["figures"]["interactions"] == 3


def test_a_failed_delivery_is_recorded_and_retried(store, webhook):
    from engagelens.reports import schedule

    url, posted = webhook
    _fill(store)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"
    schedule.add_schedule(store, "daily-team", every="daily", channel=dead, fmt="html")
    now = dt.datetime(2026, 3, 3, 6)
    [failed] = schedule.run_due(store, now=now)
    assert failed.status == "failed" and failed.detail.startswith("error: ConnectError")
    schedule.add_schedule(store, "daily-team", every="daily", channel=url, fmt="html")
    [sent] = schedule.run_due(store, now=now + dt.timedelta(hours=1))
    assert sent.status == "sent" and sent.period_start == dt.datetime(2026, 3, 2)
    # interactions count on the posts published in the period (m1: 5 likes + 2 shares)
    day = _expected(dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 3))
    assert posted[0]["json"]["figures"]["interactions"] == day["interactions"] == 7
    history = schedule.deliveries(store, "daily-team")
    assert [h["status"] for h in history] == ["failed", "sent"]
    assert schedule.run_due(store, now=now + dt.timedelta(hours=2)) == []


def test_pdf_report_by_mail_is_attached_and_headers_stay_clean(store, smtp, monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt install chromium)")
    pytest.importorskip("playwright")
    from engagelens.reports import schedule

    monkeypatch.setenv("ENGAGELENS_CHROMIUM_PATH", CHROMIUM)
    mailto, inbox = smtp
    _fill(store, own_id="brand\r\nBcc: victim@example.org")
    schedule.add_schedule(store, "mail", every="weekly", channel=mailto, fmt="pdf")
    [d] = schedule.run_due(store, now=dt.datetime(2026, 3, 11))
    assert d.status == "sent", d.detail
    [(rcpt, message)] = inbox.messages
    assert rcpt == ["ops@example.org"] and message["Bcc"] is None
    from email.header import decode_header, make_header

    subject = str(make_header(decode_header(message["Subject"])))
    assert "\n" not in subject and "2026-03-02 – 2026-03-08" in subject
    parts = {p.get_content_type(): p for p in message.walk()}
    pdf = parts["application/pdf"].get_payload(decode=True)
    assert pdf.startswith(b"%PDF-")
    assert "Interactions: 7" in parts["text/plain"].get_payload(decode=True).decode()
    assert "&lt;" not in parts["text/html"].get_payload(decode=True).decode()[:100]


def test_schedule_commands(tmp_path, capsys, webhook):
    url, posted = webhook
    db = str(tmp_path / "s.duckdb")
    with Store.open(db) as s:
        _fill(s)
    assert main(["schedule", "list", "--db", db]) == 0
    assert "no scheduled reports" in capsys.readouterr().out
    add = ["schedule", "add", "team", "--every", "weekly", "--channel", url, "--format", "html"]
    assert main([*add, "--db", db]) == 0
    assert main(["schedule", "run", "--now", "2026-03-11T07:00:00", "--db", db]) == 0
    assert "team\t2026-03-02 – 2026-03-09\tsent" in capsys.readouterr().out
    assert main(["schedule", "run", "--now", "2026-03-11T08:00:00", "--db", db]) == 0
    assert "nothing due" in capsys.readouterr().out
    assert main(["schedule", "history", "--db", db]) == 0
    assert "\tsent\tok" in capsys.readouterr().out
    assert len(posted) == 1
    for bad in (["--every", "monthly"], ["--format", "docx"], ["--channel", "ftp://x"],
                ["--scope", "mine"]):  # fmt: skip
        argv = ["schedule", "add", "x", "--every", "daily", "--channel", url, *bad, "--db", db]
        assert main(argv) == 2
    assert main(["schedule", "remove", "nope", "--db", db]) == 2
    assert main(["schedule", "remove", "team", "--db", db]) == 0
    assert main(["schedule", "run", "--now", "yesterday", "--db", db]) == 2


def test_stdout_schedule_prints_the_figures(store, capsys):
    from engagelens.reports import schedule

    _fill(store)
    schedule.add_schedule(store, "term", every="weekly", channel="stdout", fmt="html")
    [d] = schedule.run_due(store, now=dt.datetime(2026, 3, 11, 7))
    out = capsys.readouterr().out
    assert d.status == "sent"
    assert "Period: 2026-03-02 – 2026-03-08" in out
    assert "Interactions: 7 (previous —, —)" in out and "ALERT" not in out
