"""Spikes: a planted spike is found with its drivers; a series without one raises nothing."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter

import pytest

from engagelens.listening import add_query, run
from engagelens.listening.spikes import baseline, detect, emerging_terms, find_spikes, log_odds

START = dt.date(2024, 3, 4)  # a Monday


def _seasonal_series(days: int, seed: int) -> dict[dt.date, int]:
    """Busy weekdays (~30), quiet weekends (~6), Poisson noise (Knuth's sampler)."""
    rng = random.Random(seed)

    def poisson(lam: float) -> int:
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1

    return {
        START + dt.timedelta(d): poisson(6 if (START + dt.timedelta(d)).weekday() >= 5 else 30)
        for d in range(days)
    }


def test_no_spike_in_ordinary_noise():
    assert detect(_seasonal_series(70, 0), k=3.0, window=28) == []


def test_false_alarm_rate_is_that_of_a_three_sigma_rule():
    """Not a cherry-picked seed: over 200 noise-only series (12,600 tested days) at most
    0.4 % of days alarm (a one-sided 3σ rule on Poisson counts of ~30 gives ~0.2 %)."""
    alarms = sum(len(detect(_seasonal_series(70, seed), k=3.0, window=28)) for seed in range(200))
    assert alarms / (200 * 63) < 0.004


def test_planted_spike_is_found_on_its_day():
    day = START + dt.timedelta(52)  # a Wednesday
    for seed in range(50):
        series = _seasonal_series(70, seed)
        series[day] += 45
        spikes = {s.day: s for s in detect(series, k=3.0, window=28)}
        assert day in spikes, seed
        expected, sigma = baseline(sorted(series.items())[52 - 28 : 52], day)
        assert spikes[day].count == series[day]
        assert spikes[day].threshold == pytest.approx(expected + 3 * sigma)
    assert [s.day for s in detect(series, k=3.0, window=28)] == [day]  # seed 49: only that day


def test_weekday_seasonality_finds_a_busy_sunday():
    series = _seasonal_series(70, 1)
    sunday = START + dt.timedelta(55)
    assert sunday.weekday() == 6
    series[sunday] = 26  # ordinary for a weekday, four times a normal Sunday
    history = sorted(series.items())[55 - 28 : 55]
    flat_mean = sum(c for _, c in history) / len(history)
    flat_sd = math.sqrt(sum((c - flat_mean) ** 2 for _, c in history) / (len(history) - 1))
    assert series[sunday] < flat_mean + 3 * flat_sd  # a seasonality-blind rule misses it
    assert [s.day for s in detect(series, k=3.0, window=28)] == [sunday]


def test_flat_history_needs_more_than_one_extra_mention():
    series = {START + dt.timedelta(d): 3 for d in range(30)}
    series[START + dt.timedelta(29)] = 5
    assert detect(series, k=3.0, window=28) == []


def test_log_odds_ranks_the_new_word_first():
    focus = Counter({"refund": 30, "flight": 40, "lawsuit": 12})
    background = Counter({"refund": 300, "flight": 400, "lawsuit": 1})
    ranked = [w for w, _ in log_odds(focus, background)]
    assert ranked[0] == "lawsuit" and set(ranked) == {"refund", "flight", "lawsuit"}


def _fill_store(store, *, plant: bool) -> dt.date:
    rng = random.Random(3)
    words = ["seat", "crew", "snack", "gate", "delay", "bag", "wifi", "movie"]
    rows, n = [], 0
    days = 40
    for d in range(days):
        day = START + dt.timedelta(d)
        for _ in range(6 if day.weekday() >= 5 else 20 + rng.randint(-4, 4)):
            n += 1
            rows.append(
                {
                    "platform": "x",
                    "mention_id": str(n),
                    "author_handle": f"user{rng.randint(1, 200)}",
                    "created_at": dt.datetime.combine(day, dt.time(12)),
                    "text": f"airline {rng.choice(words)} {rng.choice(words)}",
                    "sentiment": rng.choice(["positive", "neutral", "neutral", "negative"]),
                    "reach": rng.randint(10, 500),
                }
            )
    spike_day = START + dt.timedelta(days - 1)
    if plant:
        for i in range(50):
            n += 1
            rows.append(
                {
                    "platform": "x",
                    "mention_id": str(n),
                    "author_handle": "bigcritic" if i % 2 else f"fan{i}",
                    "created_at": dt.datetime.combine(spike_day, dt.time(15)),
                    "text": f"airline lawsuit over lost {words[i % 8]} #boycott",
                    "sentiment": "negative",
                    "reach": 100_000 if i == 7 else 50,
                }
            )
    store.insert("mention", rows)
    add_query(store, "airline", "airline", kind="brand")
    run(store)
    return spike_day


def test_store_spike_comes_with_its_drivers(store):
    day = _fill_store(store, plant=True)
    spikes = find_spikes(store, k=3.0, window=28)
    assert {(s.series, s.day) for s in spikes} == {("volume", day), ("negative", day)}
    volume = next(s for s in spikes if s.series == "volume")
    assert volume.drivers["terms"][0] in ("lawsuit", "boycott")
    assert {"lawsuit", "boycott"} <= set(volume.drivers["terms"][:3])
    assert volume.drivers["authors"][0] == "bigcritic"
    assert volume.drivers["mentions"][0]["mention_id"] == str(store.count("mention") - 50 + 8)
    assert emerging_terms(store, recent_days=1)[0][0] in ("lawsuit", "boycott")


def test_store_without_spike_raises_nothing(store):
    _fill_store(store, plant=False)
    assert find_spikes(store, k=3.0, window=28) == []


def test_emerging_keyphrases_say_it_once(store):
    rng = random.Random(5)
    words = ["seat", "crew", "snack", "gate", "delay", "lost", "wifi", "movie"]  # no "bag"
    rows, n = [], 0
    for d in range(35):
        day = START + dt.timedelta(d)
        texts = [f"airline {rng.choice(words)} {rng.choice(words)}" for _ in range(10)]
        if d >= 28:  # the last week: people start losing bags
            texts += ["airline lost bag again"] * 8 + ["my bag lost by airline"]
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
    add_query(store, "airline", "airline", kind="brand")
    run(store)
    ranked = [
        t for t, _ in emerging_terms(store, "airline", recent_days=7, window=28, phrases=True)
    ]
    assert not any("airline" in t.split() for t in ranked)  # the query's own word: no news
    # "lost" rises too (it was in ~12 % of mentions, now ~55 %) but is mostly not "lost bag"
    assert set(ranked[:2]) == {"lost", "lost bag"}
    assert "bag" not in ranked  # 56 of its 63 recent mentions say "lost bag"
    assert "bag lost" in ranked  # "my bag lost by airline": a phrase of its own
    words_only = [t for t, _ in emerging_terms(store, "airline", recent_days=7, window=28)]
    assert set(words_only[:2]) == {"lost", "bag"} and all(" " not in t for t in words_only)


def test_log_odds_of_a_one_term_vocabulary_is_empty_not_a_crash():
    """A spike whose mentions all fall in one theme crashed the listening page
    (ZeroDivisionError): with one term there is no rest of the vocabulary to compare with."""
    assert log_odds(Counter({"0": 3}), Counter({"0": 5})) == []
    assert log_odds(Counter({"0": 3}), Counter()) == []
    assert [w for w, _ in log_odds(Counter({"0": 3, "1": 1}), Counter({"1": 5}))] == ["0"]
