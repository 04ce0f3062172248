"""HTML and PDF reports: the same figures as the CLI table, with the previous period, hostile
account names escaped, and a PDF printed by Debian's Chromium whose pages are rendered to PNG
and read back for the KPI values."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from engagelens.cli.main import main
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
