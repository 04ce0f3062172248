"""Sentiment backends: the shipped linear model (contract, reproducibility, quality floor),
VADER, and the backend registry."""

from __future__ import annotations

import numpy as np
import pytest

from engagelens.errors import TextError
from engagelens.text import (
    backend_names,
    datasets,
    evaluate,
    get_backend,
    modelfile,
    register_backend,
    train,
)
from engagelens.text.backends.fixed import FixedBackend
from engagelens.text.backends.linear import LinearBackend, default_model_path
from engagelens.text.base import SENTIMENT_LABELS, SentimentBackend
from engagelens.text.features import HashSpec, hash_batch

#: macro-F1 measured on our held-out split (docs/text.md) minus a 0.02 margin
FLOORS = {"en": 0.75, "vi": 0.66, "fa": 0.81, "zh": 0.84}


def test_linear_backend_contract():
    be = get_backend("linear")
    assert isinstance(be, SentimentBackend) and be.name == "linear"
    assert be.version.startswith(train.MODEL_VERSION + "+")
    texts = [
        "",
        "great flight, thank you",
        "worst airline ever",
        "😍",
        "很好吃",
        "غذا سرد بود",
        "a" * 100_000,
    ]
    out = be.sentiment(texts)
    assert len(out) == len(texts)
    assert out[0] == {"label": "neutral", "score": 0.0}
    assert all(o["label"] in SENTIMENT_LABELS and -1 <= o["score"] <= 1 for o in out)
    assert out[1]["label"] == "positive" and out[2]["label"] == "negative"


def test_score_is_p_positive_minus_p_negative_by_hand():
    """Recompute one 3-class score with plain numpy from the weights file."""
    be = LinearBackend()
    arrays = modelfile.read(default_model_path())
    text = "thank you for the great service"
    _doc, feat, val = hash_batch([text], be.specs["en"])  # the head's own spec
    w = np.zeros((1 << be.specs["en"].bits, 3))
    w[arrays["en.idx"]] = arrays["en.coef"].astype(np.float32)
    logits = (w[feat] * val[:, None]).sum(axis=0) + arrays["en.bias"].astype(np.float64)
    p = np.exp(logits - logits.max())
    p /= p.sum()
    classes = [str(c) for c in arrays["en.classes"]]
    expected = p[classes.index("positive")] - p[classes.index("negative")]
    got = be.sentiment_prepared([text], ["en"])[0]["score"]
    assert got == pytest.approx(expected, abs=1e-5)


def test_binary_heads_never_say_neutral_unless_margin():
    be = LinearBackend()
    texts = ["غذا خوب بود", "غذا سرد بود", "送餐很快", "太慢了"]
    labels = [s["label"] for s in be.sentiment(texts)]
    assert "neutral" not in labels
    wide = LinearBackend(neutral_margin=1.0)  # every |score| <= 1 → neutral
    assert {s["label"] for s in wide.sentiment(texts)} == {"neutral"}


def test_hashing_is_position_and_batch_independent():
    spec = HashSpec(bits=16)
    alone = hash_batch(["good food"], spec)[1]
    doc, feat, _ = hash_batch(["x y z", "good food", ""], spec)
    assert sorted(feat[doc == 1].tolist()) == sorted(alone.tolist())


#: largest weight gap a rebuild on another processor may show: weights are stored as float16,
#: whose step is ~0.004 near |w| = 4, so one-step rounding flips from a different summation
#: order stay far below this; a real change of data or recipe moves weights by far more.
WEIGHT_ATOL = 0.05
#: share of held-out texts whose label a rebuild may change (issue: ≤ 0.1 %)
MAX_LABEL_FLIPS = 0.001


def test_rebuild_matches_the_shipped_model(shared_data, tmp_path):
    """Retrain the full shipped model (all rows, ~15–30 s) and check what holds on every CPU:
    the same arrays, weights within WEIGHT_ATOL, and the same labels on the held-out splits
    (at most MAX_LABEL_FLIPS of them may differ). The SHA-256 is identical only on the machine
    that built the file, so it is not asserted."""
    pytest.importorskip("sklearn")
    pytest.importorskip("hanziconv")
    out = tmp_path / "m.npz"
    train.build(shared_data, out, log=lambda *_: None)
    diff = modelfile.compare(modelfile.read(out), modelfile.read(default_model_path()))
    assert not diff.missing and not diff.different, diff
    assert diff.max_abs <= WEIGHT_ATOL, diff
    shipped, rebuilt = LinearBackend(), LinearBackend(out)
    for lang in sorted(FLOORS):
        dev = list(datasets.split(datasets.load(shared_data, lang))[1].texts)
        a = [s["label"] for s in shipped.sentiment(dev)]
        b = [s["label"] for s in rebuilt.sentiment(dev)]
        flips = sum(x != y for x, y in zip(a, b, strict=True))
        assert flips <= MAX_LABEL_FLIPS * len(dev), f"{lang}: {flips} of {len(dev)} labels moved"


def test_compare_sees_a_changed_weight_and_a_changed_class():
    """The comparison itself can fail: a moved weight, a new array and renamed classes."""
    base = {
        "en.classes": np.array(["negative", "neutral", "positive"]),
        "en.idx": np.array([1, 5], dtype=np.int32),
        "en.coef": np.array([[0.5, 0.0, -0.5], [1.0, 1.0, 1.0]], dtype=np.float16),
        "en.bias": np.array([0.1, 0.2, 0.3], dtype=np.float32),
    }
    assert modelfile.compare(base, dict(base)).within(0.0)
    # the same weights with an explicit zero row for feature 3 compare equal (densified)
    padded = dict(base, **{"en.idx": np.array([1, 3, 5], dtype=np.int32)})
    padded["en.coef"] = np.array([[0.5, 0, -0.5], [0, 0, 0], [1, 1, 1]], dtype=np.float16)
    assert modelfile.compare(base, padded).within(0.0)
    moved = dict(base, **{"en.coef": base["en.coef"] + np.float16(0.25)})
    assert modelfile.compare(base, moved).max_abs == pytest.approx(0.25)
    assert not modelfile.compare(base, moved).within(0.1)
    renamed = dict(base, **{"en.classes": np.array(["neg", "neu", "pos"])})
    assert modelfile.compare(base, renamed).different == ("en.classes",)
    assert modelfile.compare(base, dict(base, extra=np.zeros(1))).missing == ("extra",)


@pytest.fixture(scope="module")
def train_only_model(shared_data, tmp_path_factory):
    """The shipped recipe without the held-out rows (the shipped model has seen them)."""
    pytest.importorskip("sklearn")
    pytest.importorskip("hanziconv")
    path = tmp_path_factory.mktemp("model") / "train-only.npz"
    train.build(shared_data, path, part="train", log=lambda *_: None)
    assert modelfile.sha256(path) != modelfile.sha256(default_model_path())
    return LinearBackend(path)


@pytest.mark.parametrize("lang", sorted(FLOORS))
def test_quality_floor_on_held_out_split(shared_data, train_only_model, lang):
    dev = datasets.split(datasets.load(shared_data, lang))[1]
    assert len(dev.texts) > 300
    pred = [s["label"] for s in train_only_model.sentiment(list(dev.texts))]
    f1 = evaluate.macro_f1(dev.labels, pred)
    assert f1 >= FLOORS[lang], f"{lang}: macro-F1 {f1:.3f} < floor {FLOORS[lang]}"


def test_split_is_stable_and_disjoint(shared_data):
    data = datasets.load(shared_data, "zh")
    train_part, dev = datasets.split(data)
    assert not set(train_part.texts) & set(dev.texts)
    assert 0.15 < len(dev.texts) / len(data.texts) < 0.25
    assert all(datasets.is_dev(t) for t in dev.texts[:50])


def test_macro_f1_by_hand():
    truth = ["pos", "pos", "neg", "neg"]
    pred = ["pos", "neg", "neg", "neg"]
    # pos: P=1, R=.5 → F1=2/3 ; neg: P=2/3, R=1 → F1=.8
    assert evaluate.macro_f1(truth, pred) == pytest.approx((2 / 3 + 0.8) / 2)


def test_vader_backend():
    pytest.importorskip("vaderSentiment")
    be = get_backend("vader")
    out = be.sentiment(["I love it!", "This is terrible.", "", "the plane"])
    assert [o["label"] for o in out] == ["positive", "negative", "neutral", "neutral"]
    assert be.version


def test_registry_plugs_in_a_third_party_backend():
    register_backend("always_positive", lambda: FixedBackend("positive"))
    assert "always_positive" in backend_names()
    from engagelens.text import analyze

    assert analyze(["meh"], backend="always_positive")[0]["sentiment"] == "positive"
    with pytest.raises(TextError):
        get_backend("does_not_exist")
    with pytest.raises(TextError):
        FixedBackend("happy")


def test_emoji_only_texts_use_the_emoji_lexicon():
    from engagelens.text.lexicon import EMOJI_POLARITY

    out = get_backend("linear").sentiment(["😍😍", "😡", ":(", "👍 :)", "😍😡", "🦄"])
    assert [o["label"] for o in out[:5]] == [
        "positive",
        "negative",
        "negative",
        "positive",
        "neutral",
    ]
    assert out[4]["score"] == pytest.approx((EMOJI_POLARITY["😍"] + EMOJI_POLARITY["😡"]) / 2)
    assert "🦄" not in EMOJI_POLARITY and out[5]["score"] != 0.0  # unknown: the model decides


def test_binary_mode_never_says_neutral_for_texts_with_signal():
    texts = [
        "the flight was ok i guess",
        "what time is it",
        "giảng viên dạy bình thường .",
        "😍😡",
        "thanks, terrible service",
        "غذا خوب بود",
        "",
    ]
    three = LinearBackend().sentiment(texts)
    two = get_backend("linear", binary=True).sentiment(texts)
    assert [o["label"] for o in two[:-1]] == [
        "positive" if o["score"] >= 0 else "negative" for o in three[:-1]
    ]
    assert two[-1] == {"label": "neutral", "score": 0.0}  # empty: no signal at all
    assert "neutral" in [o["label"] for o in three]  # the 3-class heads do use it
    assert [o["score"] for o in two] == [o["score"] for o in three]


#: product/food reviews outside every training domain (written for this test, not taken from
#: the demo banks); the polarity lexicon is what carries e.g. vi "ngon" (tasty) across from
#: student feedback — 2026.11.2 called the first one negative (−0.54)
REVIEWS = [
    ("Phở ở quán này ngon tuyệt vời, giá lại rẻ", "positive"),
    ("Áo mặc đẹp, vải mát, shop tư vấn nhiệt tình", "positive"),
    ("Đồ ăn dở tệ, nguội ngắt, thất vọng quá", "negative"),
    ("Hàng giao chậm, đóng gói cẩu thả, chán", "negative"),
    ("گوشی عالیه، خیلی راضیم", "positive"),
    ("کیفیت پارچه افتضاح بود، اصلا راضی نیستم", "negative"),
    ("衣服质量很好，很满意，推荐", "positive"),
    ("质量太差了，用了两天就坏了，失望", "negative"),
    ("The headphones sound amazing, love them", "positive"),
    ("My order arrived broken and support is useless", "negative"),
]


def test_reviews_outside_the_training_domains():
    got = [s["label"] for s in get_backend("linear").sentiment([t for t, _ in REVIEWS])]
    assert got == [y for _, y in REVIEWS]
