"""Themes (text/themes.py): planted themes are recovered per language, named by their own
terms, and no term ever spans two scripts (the ``beans یا`` of the old n-gram lists)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random

import numpy as np
import pytest
import regex
from typer.testing import CliRunner

from engagelens.cli.main import app, main
from engagelens.listening import add_query, run
from engagelens.listening.spikes import emerging_terms, emerging_themes, find_spikes
from engagelens.text.themes import _silhouette, find_themes, label_of, stopwords, theme_terms

runner = CliRunner()
START = dt.date(2024, 3, 4)
_SCRIPTS = {
    "han": regex.compile(r"\p{Han}"),
    "arabic": regex.compile(r"\p{Arabic}"),
    "latin": regex.compile(r"\p{Latin}"),
}


def _scripts(term: str) -> set[str]:
    return {name for name, rx in _SCRIPTS.items() if rx.search(term)}


def _bank(rng: random.Random, core: str, own: list[str], shared: list[str], n: int) -> list[str]:
    """n texts of one theme: its core word, two of its own words, two words every theme uses."""
    out = []
    for _ in range(n):
        words = [core, *rng.sample(own, 2), *rng.sample(shared, 2)]
        rng.shuffle(words)
        out.append(" ".join(words))
    return out


def _planted(seed: int = 3) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    own = {
        "delivery": ["late", "driver", "cold", "hours", "missing", "refund"],
        "wifi": ["password", "signal", "slow", "laptop", "connect", "internet"],
        "latte": ["oat", "vanilla", "amazing", "creamy", "favourite", "sweet"],
        "外卖": ["太慢", "迟到", "洒了", "小哥", "超时", "冷了"],
        "咖啡": ["好喝", "浓郁", "燕麦", "香甜", "推荐", "顺滑"],
    }
    en_shared = ["today", "again", "honestly", "guys", "morning", "coffee", "store", "week"]
    vi_shared = ["hôm nay", "cửa hàng", "buổi sáng", "thật sự", "lần này"]
    fa_shared = ["امروز", "دوباره", "واقعا", "صبح", "شعبه"]
    zh_shared = ["今天", "早上", "门店", "真的", "这次"]
    banks = {
        "en-delivery": _bank(rng, "delivery", own["delivery"], en_shared, 60),
        "en-wifi": _bank(
            rng,
            "wifi",
            ["password", "signal", "slow", "laptop", "connect", "internet"],
            en_shared,
            50,
        ),
        "en-latte": _bank(
            rng,
            "latte",
            ["oat", "vanilla", "amazing", "creamy", "favourite", "sweet"],
            en_shared,
            40,
        ),
        "vi-giao": _bank(
            rng, "giao hàng", ["chậm", "trễ", "shipper", "nguội", "đơn", "hủy"], vi_shared, 40
        ),
        "vi-ngon": _bank(
            rng, "cà phê", ["ngon", "thơm", "béo", "đậm", "tuyệt", "sữa"], vi_shared, 40
        ),
        "fa-peyk": _bank(rng, "پیک", ["دیر", "سرد", "آدرس", "بی‌ادب", "گم", "منتظر"], fa_shared, 40),
        "fa-gheymat": _bank(
            rng, "قیمت", ["گران", "منو", "تخفیف", "افزایش", "بالا", "ارزان"], fa_shared, 40
        ),
        "zh-waimai": _bank(
            rng, "外卖", ["太慢", "迟到", "洒了", "小哥", "超时", "冷了"], zh_shared, 40
        ),
        "zh-kafei": _bank(
            rng, "咖啡", ["好喝", "浓郁", "燕麦", "香甜", "推荐", "顺滑"], zh_shared, 40
        ),
    }
    texts, truth = [], []
    for name, bank in banks.items():
        texts += bank
        truth += [name] * len(bank)
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], [truth[i] for i in order]


def test_planted_themes_are_recovered_per_language_and_named_by_their_core_word():
    texts, truth = _planted()
    result = find_themes(texts)
    assert len(result.themes) == 9
    cores = {"en-delivery": "delivery", "en-wifi": "wifi", "en-latte": "latte"}
    cores |= {"vi-giao": "giao hàng", "vi-ngon": "cà phê", "fa-peyk": "پیک"}
    cores |= {"fa-gheymat": "قیمت", "zh-waimai": "外卖", "zh-kafei": "咖啡"}
    for theme in result.themes:
        planted = {truth[i] for i in theme.members}
        assert len(planted) == 1, (theme.label, planted)  # pure
        (name,) = planted
        assert theme.language == name.split("-")[0]
        assert theme.size == truth.count(name)  # complete: every planted text found
        assert theme.terms[0] == cores[name] or cores[name] in theme.label, theme.terms
    assert [t.theme_id for t in result.themes] == list(range(9))
    for i, tid in enumerate(result.assignment):
        assert i in result.themes[tid].members


def test_mixed_language_mentions_never_give_a_cross_language_term():
    texts = ["I love the beans یا قهوه", "coffee 新店开在哪里吗", "Lumina APP扣了我两次钱"] * 6
    texts += ["beans یا قهوه خوب"] * 6
    terms = {t for text in texts for t in theme_terms(text)}
    assert "beans یا" not in terms and "یا" not in terms  # "or" is a Persian stop word
    assert all(len(_scripts(t)) == 1 for t in terms), sorted(terms)
    result = find_themes(texts, min_size=3)
    assert result.themes
    for theme in result.themes:
        assert all(len(_scripts(t)) == 1 for t in theme.terms), theme.terms


def test_theme_terms_hand_checked():
    # stop words go, same-script neighbours pair up, a handle/URL/punctuation breaks a pair
    assert theme_terms("My lost bag @delta http://x.co still missing!!", "en") == [
        "lost",
        "bag",
        "still",
        "missing",
        "lost bag",
        "still missing",
    ]
    # ZWNJ joins a Persian word, never splits it ("می‌خواهم" is one word)
    assert theme_terms("می‌خواهم قهوه", "fa") == ["میخواهم", "قهوه", "میخواهم قهوه"]
    # Vietnamese syllable pairs: "giao hàng" (delivery), "cà phê" (coffee)
    assert "giao hàng" in theme_terms("giao hàng chậm, cà phê nguội", "vi")
    assert "cà phê" in theme_terms("giao hàng chậm, cà phê nguội", "vi")
    assert "hàng chậm" in theme_terms("giao hàng chậm, cà phê nguội", "vi")
    assert "chậm cà" not in theme_terms("giao hàng chậm, cà phê nguội", "vi")  # the comma


def test_shipped_stopword_lists():
    for lang, word in (("en", "the"), ("vi", "và"), ("fa", "یا"), ("zh", "的")):
        assert word in stopwords(lang)
    assert stopwords("xx") == frozenset()


def test_label_leaves_out_words_a_chosen_pair_holds():
    assert label_of(["lost", "lost bag", "bag", "late", "gate"]) == "lost bag, late, gate"
    assert label_of(["wifi"]) == "wifi"


def test_silhouette_by_hand():
    # two tight pairs: within distance 0, between distance 1 → silhouette 1 for every point
    s = np.array([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]], dtype=float)
    assert _silhouette(s, np.array([0, 0, 1, 1]), 2) == pytest.approx(1.0)
    # the wrong split: a = 1 (its partner is far), b = 0.5 → (0.5 - 1) / 1 = -0.5
    assert _silhouette(s, np.array([0, 1, 0, 1]), 2) == pytest.approx(-0.5)


def test_texts_without_terms_get_no_theme():
    texts, _ = _planted()
    result = find_themes([*texts, "😍😍", "", None, "the and of"])
    assert result.assignment[-4:] == [-1, -1, -1, -1]


def _csv(text: str) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["id", "text"])
    for i, line in enumerate(text):
        w.writerow([i, line])
    return out.getvalue()


def test_cli_themes_lists_named_themes_with_row_numbers(tmp_path):
    texts, truth = _planted()
    path = tmp_path / "c.csv"
    path.write_text(_csv(texts), encoding="utf-8")
    res = runner.invoke(app, ["text", "themes", str(path), "--column", "text"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.output)))
    assert len(rows) == 9
    sizes = sorted(int(r["size"]) for r in rows)
    assert sizes == sorted({n: truth.count(n) for n in set(truth)}.values())
    first = rows[0]
    assert first["language"] == "en" and first["label"].startswith("delivery")
    for r in rows:
        for ex in r["examples"].split():
            assert 1 <= int(ex) <= len(texts)
    res = runner.invoke(
        app, ["text", "themes", str(path), "--column", "text", "--assign", "--format", "jsonl"]
    )
    assert res.exit_code == 0, res.output
    assigned = [json.loads(line) for line in res.output.splitlines()]
    assert len(assigned) == len(texts) and assigned[0]["row"] == 1
    by_theme: dict[object, set[str]] = {}
    for a, name in zip(assigned, truth, strict=True):
        by_theme.setdefault(a["theme"], set()).add(name)
    assert all(len(v) == 1 for v in by_theme.values())


@pytest.mark.parametrize(
    "args",
    [["--column", "nope"], ["--column", "text", "--k", "0"], ["--column", "text", "--format", "x"]],
)
def test_cli_themes_bad_input_is_a_clear_error(tmp_path, args, capsys):
    path = tmp_path / "c.csv"
    path.write_text(_csv(["a b c"]), encoding="utf-8")
    assert main(["text", "themes", str(path), *args]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.startswith("error[text]:")


def _mention_store(store):
    """28 quiet days of mixed en/fa/zh chatter, then a week where Persian mentions about the
    courier (پیک) and English ones about the wifi start."""
    rng = random.Random(11)
    en = ["seat", "crew", "snack", "gate", "movie", "beans", "roast", "music"]
    rows, n = [], 0
    for d in range(35):
        day = START + dt.timedelta(d)
        texts = [f"lumina {rng.choice(en)} {rng.choice(en)} یا قهوه" for _ in range(6)]
        texts += [f"lumina {rng.choice(en)} {rng.choice(en)}" for _ in range(6)]
        texts += ["lumina 新店开在哪里吗"] * 2
        if d >= 28:
            texts += [f"lumina پیک {rng.choice(['دیر', 'سرد', 'گم'])} رسید" for _ in range(8)]
            texts += [
                f"lumina wifi {rng.choice(['password', 'slow', 'dropping'])}" for _ in range(8)
            ]
        for text in texts:
            n += 1
            rows.append(
                {
                    "platform": "x",
                    "mention_id": str(n),
                    "text": text,
                    "created_at": dt.datetime.combine(day, dt.time(9)),
                }
            )
    store.insert("mention", rows)
    add_query(store, "lumina", "lumina", kind="brand")
    run(store)


def test_listening_emerging_themes_and_terms_stay_within_one_language(store):
    _mention_store(store)
    themes = emerging_themes(store, "lumina", recent_days=7, window=28)
    assert {t["language"] for t in themes[:2]} == {"fa", "en"}
    assert {t["language"]: "پیک" in t["terms"][:2] or "wifi" in t["terms"][:2] for t in themes[:2]}
    for t in themes:
        assert all(len(_scripts(term)) == 1 for term in t["terms"])
        assert "lumina" not in " ".join(t["terms"])  # the query's own word says nothing
    fa = next(t for t in themes if t["language"] == "fa")
    assert (fa["mentions"], fa["before"]) == (56, 0)
    phrases = [
        t for t, _ in emerging_terms(store, "lumina", recent_days=7, window=28, phrases=True)
    ]
    assert phrases and all(len(_scripts(t)) == 1 for t in phrases), phrases
    assert "beans یا" not in phrases and "یا" not in phrases


def test_spike_drivers_name_the_rising_theme(store):
    _mention_store(store)
    spikes = find_spikes(store, k=3.0, window=28)
    first = min(spikes, key=lambda s: s.day)
    assert first.day == START + dt.timedelta(28)
    themes = first.drivers["themes"]
    assert themes and any("پیک" in t or "wifi" in t for t in themes[:2])
    assert all(len(_scripts(t)) == 1 for t in first.drivers["terms"])


def test_persian_suffix_after_zwnj_is_left_out_of_the_term():
    assert theme_terms("شعبه\u200cی جدید", "fa") == ["شعبه", "جدید", "شعبه جدید"]
    assert theme_terms("کتاب\u200cها", "fa") == ["کتاب"]


def test_silhouette_counts_an_unplaced_text_as_zero():
    s = np.array([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]], dtype=float)
    # points 2 and 3 left out (-1): the two placed ones are a single cluster → -1.0 overall
    assert _silhouette(s, np.array([0, 0, -1, -1]), 1) == pytest.approx(-1.0)
    s6 = np.eye(6)[[0, 0, 1, 1, 2, 2]] @ np.eye(6)[[0, 0, 1, 1, 2, 2]].T
    # three tight pairs, one left out: (1 + 1 + 1 + 1) / 6
    assert _silhouette(s6, np.array([0, 0, 1, 1, -1, -1]), 2) == pytest.approx(4 / 6)
