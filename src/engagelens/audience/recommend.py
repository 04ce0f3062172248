"""What to post for whom: per engagement-ladder segment, the formats, themes, hashtags and
posting slots whose posts drew that segment more than the account's usual post — learned on one
period and checked on a later one the model never saw.

Why this shape and not a black box: a marketer acts on "commenters answer video posts about
the new menu, Tuesday mornings", and must be able to see the evidence (how many posts, how
much more) and whether it held up later. So each recommendation is one feature value with:

* ``response`` — interactions per post from the segment's members (members are placed on the
  ladder from the training period's interactions, :func:`.ladder.engagement_ladder`);
* ``lift`` — the value's shrunken mean response ÷ the mean response of all training posts − 1.
  Shrinkage is empirical-Bayes towards the overall mean with a prior weight of ``min_posts``
  posts, so three lucky posts cannot top the list;
* ``held_out_lift`` — the same ratio on the later period's posts: the uplift of "post what
  we recommend" against "post like last month" (the later period's posts as they were made).
  ``None`` when fewer than 2 later posts carry the value: not checked, said so.

Correlation, not cause: posting slots and formats move together with campaigns. Themes come
from :func:`engagelens.text.themes.find_themes` on the post captions, labelled by their words.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from engagelens.errors import ConfigError

from .identity import audience_interactions
from .ladder import LADDER_STEPS, engagement_ladder

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

FEATURES = ("format", "theme", "hashtag", "slot")
#: a value on at least this share of the training posts (the brand's own tag) is no choice
COMMON = 0.9
#: parts of the day of a posting slot, by local hour
DAYPARTS = ((5, "morning"), (12, "afternoon"), (17, "evening"), (22, "night"))


@dataclass(frozen=True)
class Recommendation:
    segment: str
    feature: str  # format, theme, hashtag or slot
    value: str
    posts: int  # training posts carrying the value
    response: float  # segment interactions per such post (training, raw mean)
    baseline: float  # segment interactions per training post
    lift: float  # shrunken mean ÷ baseline − 1
    held_out_posts: int
    held_out_response: float | None
    held_out_baseline: float | None
    held_out_lift: float | None

    def sentence(self) -> str:
        what = {
            "format": f"{self.value} posts",
            "theme": f"posts about “{self.value}”",
            "hashtag": f"posts tagged #{self.value}",
            "slot": f"posts published {self.value}",
        }[self.feature]
        out = (
            f"{self.segment.capitalize()}s: {what} drew {self.response:.1f} interactions from "
            f"them per post, against {self.baseline:.1f} on the usual post ({self.lift:+.0%} "
            f"after shrinkage, {self.posts} posts)."
        )
        if self.held_out_lift is None:
            return out + " Not checked on the later period (fewer than 2 such posts)."
        verdict = "held" if self.held_out_lift > 0 else "did not hold"
        return out + (
            f" Later it {verdict}: {self.held_out_lift:+.0%} on {self.held_out_posts} posts."
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "explanation": self.sentence()}


def slot_of(moment: dt.datetime, tz: str = "UTC") -> str:
    """``weekday morning`` / ``weekend evening`` … of a naive-UTC publish time, in ``tz``."""
    local = moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(tz))
    part = "night"
    for start, name in DAYPARTS:
        if local.hour >= start:
            part = name
    if local.hour < DAYPARTS[0][0]:
        part = "night"
    return f"{'weekend' if local.weekday() >= 5 else 'weekday'} {part}"


def _posts(store: Store, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Own posts published in [start, end)."""
    c = store.table("content")
    a = store.table("account")
    own = a.filter(a.is_own.fill_null(False)).select("platform", "account_id")
    c = c.filter((c.created_at >= start) & (c.created_at < end))
    c = c.join(own, ["platform", "account_id"])
    cols = ["platform", "content_id", "created_at", "kind", "hashtags", "text", "language"]
    return c.select(*cols).to_pyarrow().to_pylist()


def _responses(
    store: Store, posts_between: tuple[dt.datetime, dt.datetime], ladder: Any
) -> dict[tuple[str, str, str], int]:
    """(platform, content_id, step) → interactions by that step's members on the post."""
    c = store.table("content")
    c = c.filter((c.created_at >= posts_between[0]) & (c.created_at < posts_between[1]))
    t = audience_interactions(store, "account")
    j = t.join(c.select("platform", "content_id"), ["platform", "content_id"])
    j = j.join(ladder, ["platform", "actor_id"])
    agg = j.group_by(["platform", "content_id", "step"]).aggregate(n=j.count())
    return {
        (r["platform"], r["content_id"], r["step"]): int(r["n"])
        for r in agg.to_pyarrow().to_pylist()
    }


def _features(posts: list[dict[str, Any]], tz: str) -> list[dict[str, set[str]]]:
    from engagelens.text.themes import find_themes

    result = find_themes([p["text"] for p in posts], [p["language"] for p in posts])
    labels = {t.theme_id: t.label for t in result.themes}
    out = []
    for p, theme in zip(posts, result.assignment, strict=True):
        tags = {h.strip().lower().lstrip("#") for h in (p["hashtags"] or "").split()}
        out.append(
            {
                "format": {p["kind"]} if p["kind"] else set(),
                "theme": {labels[theme]} if theme >= 0 and theme in labels else set(),
                "hashtag": {t for t in tags if t},
                "slot": {slot_of(p["created_at"], tz)} if p["created_at"] else set(),
            }
        )
    return out


def _check(name: str, period: tuple[dt.datetime, dt.datetime]) -> None:
    start, end = period
    if start is None or end is None or end <= start:
        raise ConfigError(f"{name}: the end {end} must be after the start {start}")


def recommend(
    store: Store,
    *,
    train: tuple[dt.datetime, dt.datetime],
    test: tuple[dt.datetime, dt.datetime] | None = None,
    segments: Sequence[str] = LADDER_STEPS[1:],
    features: Iterable[str] = FEATURES,
    min_posts: int = 5,
    top: int = 3,
    timezone: str = "UTC",
) -> list[Recommendation]:
    """Up to ``top`` values per (segment, feature) with a positive shrunken lift, best first;
    ``test`` (a later period) checks each one on posts the fit never saw."""
    _check("train", train)
    if test is not None:
        _check("test", test)
        if test[0] < train[1]:
            raise ConfigError("the test period must start after the training period ends")
    unknown = [s for s in segments if s not in LADDER_STEPS]
    if unknown:
        raise ConfigError(f"unknown segment {unknown}; one of {', '.join(LADDER_STEPS)}")
    features = tuple(features)
    bad = [f for f in features if f not in FEATURES]
    if bad:
        raise ConfigError(f"unknown feature {bad}; one of {', '.join(FEATURES)}")
    if min_posts < 1:
        raise ConfigError(f"min_posts must be at least 1, not {min_posts}")
    try:
        ZoneInfo(timezone)
    except (KeyError, ValueError):
        raise ConfigError(f"unknown time zone {timezone!r}") from None

    ladder = engagement_ladder(store, start=train[0], end=train[1]).select(
        "platform", "actor_id", "step"
    )
    fit_posts = _posts(store, *train)
    if not fit_posts:
        raise ConfigError(
            f"no own posts published between {train[0]:%Y-%m-%d} and {train[1]:%Y-%m-%d}: "
            "nothing to learn from"
        )
    fit = _table(store, fit_posts, train, ladder, timezone)
    check = _table(store, _posts(store, *test), test, ladder, timezone) if test else None
    out: list[Recommendation] = []
    for step in segments:
        base = _mean([r[step] for r in fit])
        if not base:
            continue
        for feature in features:
            groups = _group(fit, feature, step)
            later = _group(check, feature, step) if check is not None else {}
            later_base = _mean([r[step] for r in check]) if check else None
            ranked = []
            for value, ys in groups.items():
                # too rare to trust, or on (nearly) every post: nothing to choose between
                if len(ys) < min_posts or len(ys) >= COMMON * len(fit):
                    continue
                shrunk = (sum(ys) + min_posts * base) / (len(ys) + min_posts)
                lift = shrunk / base - 1
                if lift <= 0:
                    continue
                zs = later.get(value, [])
                held = _mean(zs) if len(zs) >= 2 else None
                ranked.append(
                    Recommendation(
                        segment=step,
                        feature=feature,
                        value=value,
                        posts=len(ys),
                        response=_mean(ys) or 0.0,
                        baseline=base,
                        lift=lift,
                        held_out_posts=len(zs),
                        held_out_response=held,
                        held_out_baseline=later_base,
                        held_out_lift=(held / later_base - 1)
                        if held is not None and later_base
                        else None,
                    )
                )
            ranked.sort(key=lambda r: (-r.lift, r.value))
            out.extend(ranked[:top])
    return out


def summary(recs: Sequence[Recommendation]) -> dict[str, Any]:
    """How the recommendations fared on the later period: checked, held, mean held-out lift."""
    checked = [r for r in recs if r.held_out_lift is not None]
    held = [r for r in checked if (r.held_out_lift or 0) > 0]
    lifts = [r.held_out_lift for r in checked if r.held_out_lift is not None]
    return {
        "recommendations": len(recs),
        "checked": len(checked),
        "held": len(held),
        "mean_held_out_lift": _mean(lifts),
    }


def _table(
    store: Store,
    posts: list[dict[str, Any]],
    period: tuple[dt.datetime, dt.datetime],
    ladder: Any,
    tz: str,
) -> list[dict[str, Any]]:
    """One row per post: its feature values and, per segment, its members' interactions."""
    if not posts:
        return []
    resp = _responses(store, period, ladder)
    feats = _features(posts, tz)
    rows = []
    for p, f in zip(posts, feats, strict=True):
        row: dict[str, Any] = {"features": f}
        for step in LADDER_STEPS:
            row[step] = resp.get((p["platform"], p["content_id"], step), 0)
        rows.append(row)
    return rows


def _group(rows: list[dict[str, Any]] | None, feature: str, step: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for r in rows or []:
        for value in r["features"][feature]:
            out[value].append(r[step])
    return out


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


__all__ = sorted(
    ["COMMON", "DAYPARTS", "FEATURES", "Recommendation", "recommend", "slot_of", "summary"]
)
