"""A spike told in plain words: what rose, against which baseline, the words that drove it and
mentions that show it.

Why here and not in a page: the CLI (``listen report``), the API (``/listening/spikes``) and
the dashboard all explain a spike, and they must say the same thing. :func:`explain` returns the
facts as plain values (numbers, words, texts; never a dict printed as text); :meth:`sentence`
writes the English sentence, and the dashboard writes the same facts in its own language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from engagelens import settings

from .spikes import Spike

#: example mentions quoted per spike, and characters kept of each
EXAMPLES = 3
EXAMPLE_CHARS = 160


@dataclass(frozen=True)
class Explanation:
    """The facts behind one spike."""

    query: str
    day: dt.date
    series: str  # "volume" or "negative"
    count: int
    expected: float
    ratio: float | None  # count ÷ expected (None when nothing was expected)
    window_days: int
    terms: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)  # labels of the themes that rose
    authors: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        """English, e.g. "Mentions of acme rose to 12 on 2024-03-05, against 3.2 expected
        from the same weekday in the 28 days before (3.8×). Top terms: refund, delay." """
        what = "Negative mentions" if self.series == "negative" else "Mentions"
        ratio = f" ({self.ratio:.1f}×)" if self.ratio is not None else ""
        out = (
            f"{what} of {self.query} rose to {self.count} on {self.day.isoformat()}, against "
            f"{self.expected:.1f} expected from the same weekday in the {self.window_days} "
            f"days before{ratio}."
        )
        if self.themes:
            out += " Rising themes: " + "; ".join(self.themes) + "."
        # a term already named by a theme's label is not said twice
        named = {w for label in self.themes for w in label.split(", ")}
        terms = [t for t in self.terms if t not in named]
        if terms:
            out += " Top terms: " + ", ".join(terms) + "."
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "day": self.day.isoformat(),
            "series": self.series,
            "count": self.count,
            "expected": round(self.expected, 3),
            "ratio": None if self.ratio is None else round(self.ratio, 3),
            "window_days": self.window_days,
            "terms": self.terms,
            "themes": self.themes,
            "authors": self.authors,
            "examples": self.examples,
            "sentence": self.sentence(),
        }


def _clip(text: Any) -> str:
    """One line of at most EXAMPLE_CHARS characters (a quote, not the whole thread)."""
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= EXAMPLE_CHARS else flat[: EXAMPLE_CHARS - 1] + "…"


def explain(spike: Spike, *, window: int | None = None) -> Explanation:
    """The facts of ``spike`` from its drivers (terms, authors, top mentions by reach)."""
    days = int(settings.get("spike_window_days") if window is None else window)
    d = spike.drivers or {}
    texts = [m.get("text") if isinstance(m, dict) else m for m in d.get("mentions", [])]
    return Explanation(
        query=spike.query,
        day=spike.day,
        series=spike.series,
        count=spike.count,
        expected=spike.expected,
        ratio=spike.count / spike.expected if spike.expected > 0 else None,
        window_days=days,
        terms=[str(t) for t in d.get("terms", [])],
        themes=[str(t) for t in d.get("themes", [])],
        authors=[str(a) for a in d.get("authors", [])],
        examples=[_clip(t) for t in texts if t][:EXAMPLES],
    )


__all__ = ["EXAMPLES", "EXAMPLE_CHARS", "Explanation", "explain"]
