"""Multiple-testing correction: several metrics × several variants is several tests.

Why: testing 3 variants on 4 metrics at α = 0.05 makes 12 tests; with no real effect at all,
the chance that at least one looks "significant" is 1 − 0.95¹² ≈ 46 %. Two corrections:

- **Holm** (Holm 1979, *Scand. J. Statist.* 6:65–70) controls the family-wise error rate (the
  chance of *any* false positive), uniformly more powerful than Bonferroni. Use it when one
  false "winner" is costly (shipping a redesign).
- **Benjamini–Hochberg** (Benjamini & Hochberg 1995, *JRSS B* 57:289–300) controls the false
  discovery rate (the expected share of false positives among the declared effects). Use it to
  screen many metrics, accepting that some flagged ones are noise.

Both return *adjusted* p-values in the input order (compare each with α), computed as in
R's ``p.adjust`` and statsmodels' ``multipletests``:

    Holm: p̃_(i) = max_{j ≤ i} min(1, (m − j + 1) · p_(j))
    BH:   p̃_(i) = min_{j ≥ i} min(1, m / j · p_(j))

with p_(1) ≤ … ≤ p_(m) the sorted p-values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from engagelens.errors import ConfigError

#: correction name -> what it controls (for docs and CLI help)
METHODS: dict[str, str] = {
    "holm": "family-wise error rate (Holm 1979)",
    "bh": "false discovery rate (Benjamini-Hochberg 1995)",
    "none": "nothing: each test at its own alpha",
}


def _checked(p_values: Sequence[float]) -> list[float]:
    out = [float(p) for p in p_values]
    bad = [p for p in out if math.isnan(p) or not 0.0 <= p <= 1.0]
    if bad:
        raise ConfigError(f"p-values must be between 0 and 1, got {bad[0]!r}")
    return out


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm step-down adjusted p-values, in the input order."""
    p = _checked(p_values)
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):  # rank 0 is the smallest p
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg step-up adjusted p-values (q-values), in the input order."""
    p = _checked(p_values)
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i], reverse=True)
    out = [0.0] * m
    running = 1.0
    for k, i in enumerate(order):  # k 0 is the largest p, whose rank is m
        rank = m - k
        running = min(running, min(1.0, m / rank * p[i]))
        out[i] = running
    return out


def adjust(p_values: Sequence[float], method: str = "holm") -> list[float]:
    """Adjusted p-values by ``method`` (``holm``, ``bh`` or ``none``)."""
    if method == "holm":
        return holm(p_values)
    if method == "bh":
        return benjamini_hochberg(p_values)
    if method == "none":
        return _checked(p_values)
    raise ConfigError(f"correction must be one of {', '.join(METHODS)}, not {method!r}")


__all__ = sorted(["METHODS", "adjust", "benjamini_hochberg", "holm"])
