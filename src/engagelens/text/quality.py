"""Comment quality: substantive, low-effort or spam — so engagement scores count conversation,
not noise.

Rules, in order (first match wins):

* **spam** — a link together with promotional words; several links; promotional words from
  two or more different phrases; a character repeated 10+ times; one word repeated to fill the
  text ("buy buy buy buy"); or (batch level, :func:`copy_paste`) copy-paste: the same
  non-trivial text (≥ 20 letters) 3+ times within an hour on 2+ different posts. Repetition
  alone is not spam — a real audience repeats "Love it, best coffee in town!" over weeks — so
  without post and time metadata (a plain text file) the copy-paste rule does not fire, and
  mentions (no post to compare: a spike makes many people say the same thing) count only
  copies that push something — a link, a handle or a promotional word.
* **low_effort** — no letters at all (emoji-only, "!!!"), only @handles (tag-a-friend), or a
  very short generic reaction ("nice", "first", "wow", "đẹp quá", "عالی", "好", ≤ 3 words).
* **substantive** — everything else.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

import regex

from .lexicon import compile_phrases
from .normalize import Normalized, normalize

PROMO = compile_phrases(
    [
        # en
        "free",
        "giveaway",
        "click here",
        "click the link",
        "link in bio",
        "check my profile",
        "check out my",
        "follow me",
        "follow back",
        "dm me",
        "dm for",
        "promo code",
        "discount code",
        "earn money",
        "make money",
        "work from home",
        "crypto",
        "bitcoin",
        "forex",
        "investment",
        "whatsapp",
        "telegram",
        "cheap",
        "limited offer",
        "subscribe",
        "win a",
        "sale",
        "% off",
        "onlyfans",
        "followers",
        "visit my",
        # vi
        "khuyến mãi",
        "giảm giá",
        "miễn phí",
        "inbox",
        "ib",
        "liên hệ",
        "kiếm tiền",
        "zalo",
        "đặt ngay",
        "sale sốc",
        "freeship",
        # fa
        "تخفیف",
        "رایگان",
        "کد تخفیف",
        "کسب درآمد",
        "فالو",
        "تلگرام",
        "واتساپ",
        "لینک در بیو",
        # zh
        "优惠",
        "優惠",
        "免费",
        "免費",
        "加微信",
        "加v",
        "代购",
        "代購",
        "赚钱",
        "賺錢",
        "兼职",
        "兼職",
        "扫码",
        "掃碼",
        "点击链接",
        "點擊鏈接",
        "私信",
    ]
)
GENERIC = frozenset(
    {
        "nice",
        "first",
        "wow",
        "cool",
        "great",
        "good",
        "ok",
        "okay",
        "lol",
        "lmao",
        "haha",
        "hahaha",
        "yes",
        "yay",
        "omg",
        "love",
        "love it",
        "so cute",
        "cute",
        "amazing",
        "awesome",
        "beautiful",
        "nice one",
        "nice pic",
        "great post",
        "congrats",
        "thanks",
        "thank you",
        "same",
        "me",
        "this",
        "yup",
        "fire",
        "slay",
        "goals",
        "dope",
        "gm",
        "hi",
        "hello",
        "follow",
        "đẹp",
        "đẹp quá",
        "hay",
        "hay quá",
        "tuyệt",
        "ok ạ",
        "like",
        "quá đẹp",
        "xinh",
        "عالی",
        "قشنگ",
        "مرسی",
        "ممنون",
        "خوب",
        "لایک",
        "زیبا",
        "سلام",
        "好",
        "好看",
        "赞",
        "讚",
        "哈哈",
        "哈哈哈",
        "沙发",
        "沙發",
        "顶",
        "頂",
        "第一",
        "厉害",
        "厲害",
        "收到",
        "可以",
        "棒",
    }
)
_LETTER = regex.compile(r"\p{L}")
_REPEAT_CHAR = regex.compile(r"(\X)\1{9,}")
_HANDLE_ONLY = regex.compile(r"^(?:\s*@[\p{L}\p{N}_.]+[\s,]*)+$")
_WORDS = regex.compile(r"[\p{L}\p{M}\p{N}']+")
_DUP_KEY = regex.compile(r"[^\p{L}\p{N}]+")
_STRETCH = regex.compile(r"(\p{L})\1{2,}")
_HAN_CHAR = regex.compile(r"\p{Han}")


def _promo_hits(text: str) -> int:
    return len(set(PROMO.finditer(text)))


def quality(n: Normalized) -> str:
    """Quality label of one normalised text (without the batch duplicate rule)."""
    text = n.text
    if not text:
        return "low_effort"
    promo = _promo_hits(text)
    if (n.urls and promo) or len(n.urls) >= 3 or promo >= 2 or _REPEAT_CHAR.search(text):
        return "spam"
    words = _WORDS.findall(n.model_text.replace("@user", " ").replace("httpurl", " "))
    if len(words) >= 4:
        _, count = Counter(w.lower() for w in words).most_common(1)[0]
        if count >= 4 and count / len(words) >= 0.6:
            return "spam"
    if not _LETTER.search(text) or _HANDLE_ONLY.match(text):
        return "low_effort"
    bare = " ".join(w.lower() for w in words if not w.startswith("user"))
    unstretched = _STRETCH.sub(r"\1", bare)  # "niceeee" → "nice"
    if bare in GENERIC or unstretched in GENERIC:
        return "low_effort"
    n_units = len(words) + sum(max(len(_HAN_CHAR.findall(w)) - 1, 0) for w in words)
    if n_units <= 1 and len(bare) <= 4 and not n.urls:
        return "low_effort"
    return "substantive"


def _key(n: Normalized) -> str:
    core = n.model_text.replace("@user", " ").replace("httpurl", " ")
    return _DUP_KEY.sub(" ", core).strip()


def duplicate_key(text: str) -> str:
    """Case-, spacing-, handle- and punctuation-insensitive key for copy-paste detection."""
    return _key(normalize(text))


def find_duplicates(
    texts: Sequence[str],
    *,
    min_count: int = 3,
    min_chars: int = 20,
    normalized: Sequence[Normalized] | None = None,
) -> list[bool]:
    """True for texts whose :func:`duplicate_key` (≥ ``min_chars`` long) occurs ≥ ``min_count``
    times in the batch — the same comment pasted across posts."""
    norms = normalized if normalized is not None else [normalize(t) for t in texts]
    keys = [_key(n) for n in norms]
    counts = Counter(k for k in keys if len(k) >= min_chars)
    return [len(k) >= min_chars and counts[k] >= min_count for k in keys]


#: copy-paste: this many copies of one text ...
COPY_MIN = 3
#: ... within this span ...
COPY_WINDOW = dt.timedelta(hours=1)
#: ... on at least this many different posts (when posts are known)
COPY_POSTS = 2


def copy_paste(
    keys: Sequence[str],
    posts: Sequence[str | None] | None,
    times: Sequence[dt.datetime | None],
    *,
    min_chars: int = 20,
) -> list[bool]:
    """True for texts pasted :data:`COPY_MIN`+ times within :data:`COPY_WINDOW` on
    :data:`COPY_POSTS`+ different posts (``posts=None``: mentions, no post to compare) — the
    signature of a bot or a paid ring, not of fans repeating a phrase over weeks. Rows without
    a time never match."""
    groups: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if len(k) >= min_chars and times[i] is not None:
            groups.setdefault(k, []).append(i)
    out = [False] * len(keys)
    for rows in groups.values():
        if len(rows) < COPY_MIN:
            continue
        rows.sort(key=lambda i: times[i])  # type: ignore[arg-type,return-value]
        lo = 0
        for hi in range(len(rows)):
            while times[rows[hi]] - times[rows[lo]] > COPY_WINDOW:  # type: ignore[operator]
                lo += 1
            span = rows[lo : hi + 1]
            if len(span) < COPY_MIN:
                continue
            if posts is not None and len({posts[i] for i in span}) < COPY_POSTS:
                continue
            for i in span:
                out[i] = True
    return out


def quality_batch(
    texts: Sequence[str],
    normalized: Sequence[Normalized] | None = None,
    *,
    posts: Sequence[str | None] | None = None,
    times: Sequence[dt.datetime | None] | None = None,
) -> list[str]:
    """Quality of every text; with ``times`` (and ``posts`` for comments) the batch-level
    copy-paste rule (:func:`copy_paste`) applies too."""
    norms = list(normalized) if normalized is not None else [normalize(t) for t in texts]
    if times is None:
        return [quality(n) for n in norms]
    keys = [_key(n) for n in norms]
    if posts is None:  # mentions: only copies that push a link, a handle or a promotion
        keys = [
            k if (n.urls or n.handles or _promo_hits(n.text)) else ""
            for k, n in zip(keys, norms, strict=True)
        ]
    pasted = copy_paste(keys, posts, times)
    return ["spam" if d else quality(n) for n, d in zip(norms, pasted, strict=True)]


__all__ = sorted(
    [
        "COPY_MIN",
        "COPY_POSTS",
        "COPY_WINDOW",
        "GENERIC",
        "PROMO",
        "copy_paste",
        "duplicate_key",
        "find_duplicates",
        "quality",
        "quality_batch",
    ]
)
