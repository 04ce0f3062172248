"""Counter-based randomness of the demo: SplitMix64 hashing of (seed, stream, row index), and the
exact-total allocation that makes the event counts add up to N."""

from __future__ import annotations

import hashlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from engagelens.demo.randomness import Rng, allocate, allocate_rows, mix64, stream_key

_MASK = (1 << 64) - 1


def _splitmix64_next(state: int) -> tuple[int, int]:
    """Vigna's reference ``splitmix64.c`` (public domain), in plain Python integers."""
    state = (state + 0x9E3779B97F4A7C15) & _MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return state, z ^ (z >> 31)


def test_mix64_matches_vigna_splitmix64_reference():
    state, outputs = 0, []
    for _ in range(5):
        state, z = _splitmix64_next(state)
        outputs.append(z)
    # splitmix64 seeded with 0 draws mix64(k * golden) for k = 1, 2, ...
    golden = np.uint64(0x9E3779B97F4A7C15)
    ks = np.arange(1, 6, dtype=np.uint64) * golden
    assert [int(x) for x in mix64(ks)] == outputs
    assert outputs[0] == 0xE220A8397B1DCDAF  # the well-known first output for seed 0


@given(st.lists(st.integers(0, _MASK), min_size=1, max_size=50))
def test_mix64_is_the_reference_finaliser_and_leaves_its_input_alone(values):
    z = np.array(values, dtype=np.uint64)
    before = z.copy()
    out = mix64(z)
    for v, o in zip(values, out, strict=True):
        _, ref = _splitmix64_next((v - 0x9E3779B97F4A7C15) & _MASK)
        assert int(o) == ref
    assert np.array_equal(z, before)


def test_stream_key_is_blake2b_of_seed_and_stream():
    digest = hashlib.blake2b(b"42\x1factor", digest_size=8).digest()
    assert int(stream_key(42, "actor")) == int.from_bytes(digest, "little")


@given(
    seed=st.integers(0, 2**31),
    a=st.integers(0, 10**9),
    n=st.integers(1, 500),
    cut=st.integers(0, 500),
)
@settings(max_examples=50, deadline=None)
def test_values_depend_on_row_index_only_not_on_chunking(seed, a, n, cut):
    idx = np.arange(a, a + n, dtype=np.int64)
    whole = Rng(seed).u("post-event-time", idx)
    cut = min(cut, n)
    fresh = Rng(seed)  # a new object: nothing carried over between calls
    parts = np.concatenate(
        [fresh.u("post-event-time", idx[cut:]), fresh.u("post-event-time", idx[:cut])]
    )
    assert np.array_equal(np.concatenate([whole[cut:], whole[:cut]]), parts)
    assert np.array_equal(Rng(seed).bits("x", idx), Rng(seed).bits("x", idx))


def test_seeds_and_streams_are_independent_and_uniform():
    idx = np.arange(200_000)
    a, b, c = Rng(1).u("s", idx), Rng(2).u("s", idx), Rng(1).u("t", idx)
    assert a.min() >= 0.0 and a.max() < 1.0
    se = np.sqrt(1 / 12 / len(idx))  # standard error of the mean of U(0, 1)
    for x in (a, b, c):
        assert abs(x.mean() - 0.5) < 5 * se
        counts = np.bincount((x * 10).astype(int), minlength=10)
        expected = len(idx) / 10
        chi2 = ((counts - expected) ** 2 / expected).sum()
        assert chi2 < 40  # 9 degrees of freedom: P(chi2 > 40) < 1e-5
    for x, y in ((a, b), (a, c)):
        assert abs(np.corrcoef(x, y)[0, 1]) < 5 / np.sqrt(len(idx))


def test_bounded_draws_stay_in_range():
    rng, idx = Rng(3), np.arange(50_000)
    below = rng.below("b", idx, np.array([1, 2, 7] * (len(idx) // 3) + [5] * (len(idx) % 3)))
    assert below.min() >= 0
    assert (below < np.array([1, 2, 7] * (len(idx) // 3) + [5] * (len(idx) % 3))).all()
    pick = rng.choice("c", idx, np.array([0.2, 0.0, 0.8]))
    assert set(np.unique(pick)) == {0, 2}
    rows = rng.choice_rows("r", idx[:6], np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]] * 2, float))
    assert rows.tolist() == [0, 1, 2, 0, 1, 2]
    assert (rng.exponential("e", idx, 2.0) >= 0).all()


weights = st.lists(st.floats(0.0, 1e6, allow_nan=False), min_size=1, max_size=60).filter(
    lambda w: sum(w) > 1e-3
)


@given(total=st.integers(0, 10**9), w=weights, seed=st.integers(0, 1000))
@settings(max_examples=200, deadline=None)
def test_allocate_sums_to_exactly_the_total(total, w, seed):
    w = np.array(w)
    jitter = Rng(seed).u("j", np.arange(len(w)))
    out = allocate(total, w, jitter)
    assert out.sum() == total
    assert (out >= 0).all()
    share = w / w.sum() * total
    assert np.all(np.abs(out - share) < 1 + 1e-6 * total)  # largest remainder: off by < 1
    assert np.array_equal(out, allocate(total, w, jitter))


@given(
    rows=st.integers(1, 20),
    cols=st.integers(1, 12),
    seed=st.integers(0, 1000),
    scale=st.sampled_from([10, 10_000, 10**8]),
)
@settings(max_examples=100, deadline=None)
def test_allocate_rows_splits_every_row_exactly(rows, cols, seed, scale):
    rng, idx = Rng(seed), np.arange(rows * cols)
    ratios = rng.u("ratio", idx).reshape(rows, cols) + 1e-3
    ratios[rng.u("zero", idx).reshape(rows, cols) < 0.3] = 0.0
    ratios[:, 0] += 1e-3  # at least one positive ratio per row
    totals = rng.below("total", np.arange(rows), scale)
    out = allocate_rows(totals, ratios, rng.u("jitter", idx).reshape(rows, cols))
    assert np.array_equal(out.sum(axis=1), totals)
    assert (out >= 0).all()
    assert (out[ratios == 0] == 0).all()
