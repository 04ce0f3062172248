"""The ``interaction`` table, generated block by block from row indices alone.

Row *i* is a post event when ``i < n_post_events`` (its post and kind come from the blocks of
``segments``) and an account-level event otherwise. Replies find their parent by arithmetic,
recompute the parent's time from the parent's own index, and arrive minutes to hours later.
Per-post watch time and completed views, and per-account-day net follows, are accumulated for
the snapshots (in integer tenths of a second, so sums do not depend on the chunking).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from . import texts as T
from .content import FORMATS, LANGUAGE_MIX, Posts
from .segments import ACCOUNT_KINDS, POST_KINDS, K, Segments
from .world import ACCOUNTS, AGENTS, OUTAGE, OWN_SOCIAL, World
from .writer import ids, masked, plain_take, take, timestamps

KIND_NAMES = [("reply" if k == "brand_reply" else k) for k in POST_KINDS] + [
    ("dm" if k == "dm_reply" else k) for k in ACCOUNT_KINDS
]
_ACC0 = len(POST_KINDS)  # account kinds follow post kinds in KIND_NAMES
#: comment categories (texts.COMMENT_CATEGORIES order) of unanswered and answered comments
UNANSWERED = np.array([0.22, 0.06, 0.06, 0.04, 0.20, 0.14, 0.07, 0.13, 0.08])
ANSWERED = np.array([0.30, 0.26, 0.20, 0.15, 0.03, 0.02, 0.0, 0.02, 0.02])
COMPLAINT = T.COMMENT_CATEGORIES.index("complaint")
#: comment category -> brand tone (thanks, answer, apology, sales)
TONE_OF = np.array([0, 1, 2, 3, 0, 0, 2, 0, 1])
REACTIONS = {
    "facebook": (
        ("like", "love", "care", "haha", "wow", "sad", "angry"),
        (0.58, 0.2, 0.04, 0.06, 0.05, 0.03, 0.04),
    ),
    "linkedin": (
        ("like", "celebrate", "support", "love", "insightful", "funny"),
        (0.55, 0.15, 0.08, 0.08, 0.1, 0.04),
    ),
}
COMPLETION = {"short": 0.45, "reel": 0.42, "video": 0.22, "live": 0.08}
#: brand answer speed per platform (median seconds)
ANSWER_MEDIAN_S = {
    "facebook": 5400,
    "instagram": 7200,
    "x": 2400,
    "youtube": 14400,
    "tiktok": 10800,
    "linkedin": 9000,
}
LOMAX_SCALE_S, LOMAX_SHAPE = 3 * 3600.0, 1.3
ACTOR_TABLE = 4_000_000  # follower counts cached for this many actors (32 MB)


@dataclass
class Accumulators:
    """What the snapshots need from the events, summed over blocks."""

    watch_tenths: np.ndarray
    completed: np.ndarray
    net_follows: np.ndarray  # (own social account position, day)
    follows: np.ndarray
    extra: dict[str, int] = field(default_factory=dict)


class InteractionBuilder:
    def __init__(self, world: World, posts: Posts, seg: Segments) -> None:
        self.w, self.posts, self.seg = world, posts, seg
        self.width = max(7, len(str(world.interactions)))
        self.comments = T.comment_bank(world.hostile)
        self.replies, self.brand = T.reply_bank(), T.brand_bank()
        self.dms = T.dm_bank()
        self.mentions = T.mention_bank(("Lumina Coffee",))
        slots = len(seg.post_index)
        own_platform = [ACCOUNTS[a].platform for a in posts.account[seg.post_index]]
        names = list(LANGUAGE_MIX)
        self.slot_platform = np.array([names.index(p) for p in own_platform], dtype=np.int64)
        self.lang_mix = np.array([LANGUAGE_MIX[p] for p in names])
        self.answer_median = np.array([ANSWER_MEDIAN_S.get(p, 3600) for p in names], float)
        self.acc = Accumulators(
            np.zeros(slots),
            np.zeros(slots),
            np.zeros((len(OWN_SOCIAL), world.days)),
            np.zeros((len(OWN_SOCIAL), world.days)),
        )
        self.platform_names = pa.array(names, pa.string())
        self.account_ids = pa.array([a.account_id for a in ACCOUNTS], pa.string())
        self.kind_names = pa.array(KIND_NAMES, pa.string())
        self.audience = max(500, world.interactions // 12)
        self.actor_width = max(7, len(str(self.audience - 1)))
        self.account_platform = np.array([names.index(a.platform) for a in ACCOUNTS])
        # per own post: publish time and the Lomax truncation (computed once, gathered per row)
        self.slot_pub = posts.created[seg.post_index]
        self.slot_top = (
            1.0 - (1.0 + (world.seconds - self.slot_pub) / LOMAX_SCALE_S) ** -LOMAX_SHAPE
        )
        # runs of (post, kind) in row order: the rows of a block are np.repeat of a few runs
        size = seg.counts.ravel()
        keep = np.flatnonzero(size > 0)
        self.run_begin = (seg.start[:-1, None] + seg.kend - seg.counts).ravel()[keep]
        self.run_size = size[keep]
        self.run_slot, self.run_kind = np.divmod(keep, len(POST_KINDS))
        self.completion = np.array([COMPLETION.get(f, 0.2) for f in FORMATS])
        self.reaction_platform = np.array([names.index(p) for p in REACTIONS])
        banks = [self.comments, self.replies, self.brand, self.dms, self.mentions]
        self.pool_offset = np.cumsum([0] + [len(bk.texts) for bk in banks])
        self.all_texts = pa.concat_arrays([bk.texts for bk in banks])
        self.reaction_names = pa.array(
            REACTIONS["facebook"][0] + REACTIONS["linkedin"][0], pa.string()
        )
        self.agent_names = pa.array(AGENTS, pa.string())
        self._followers: np.ndarray | None = None

    # -- shared pieces ------------------------------------------------------------------
    def post_time(self, i: np.ndarray, slot: np.ndarray) -> np.ndarray:
        """Event time after publishing: truncated Lomax (power-law decay of attention)."""
        x = self.w.rng.u("post-event-time", i)
        x *= self.slot_top[slot]
        np.subtract(1.0, x, out=x)
        np.power(x, -1.0 / LOMAX_SHAPE, out=x)
        x -= 1.0
        x *= LOMAX_SCALE_S
        x += self.slot_pub[slot]
        return x

    def answered(self, slot: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Whether comment ``j`` of a post is one the brand answers (inverse of reply_parent)."""
        c = self.seg.counts[slot, K["comment"]]
        b = self.seg.counts[slot, K["brand_reply"]]
        shift = self.seg.answer_shift[slot]
        safe_b = np.maximum(b, 1)
        b0 = np.ceil(j * safe_b / np.maximum(c, 1) - shift)
        back = np.floor((b0 + shift) * c / safe_b)
        return (b > 0) & (b0 >= 0) & (b0 < b) & (back == j)

    def comment_group(
        self, gidx: np.ndarray, slot: np.ndarray, j: np.ndarray, t: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(language, category) of a comment, from its row index and whether it is answered."""
        rng = self.w.rng
        lang = rng.choice_rows("comment-lang", gidx, self.lang_mix[self.slot_platform[slot]])
        probs = np.where(self.answered(slot, j)[:, None], ANSWERED, UNANSWERED)
        outage = self.w.within(t, OUTAGE) | self.w.within(t - 86_400.0, OUTAGE)
        probs[outage, COMPLAINT] *= 8.0
        return lang, rng.choice_rows("comment-cat", gidx, probs)

    def comment_index(self, slot: np.ndarray, j: np.ndarray) -> np.ndarray:
        return self.seg.start[slot] + self.seg.kstart("comment")[slot] + j

    def actor(self, i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Who acts (the most active people act most) and their follower count, a function of
        the person alone: looked up for the busiest ACTOR_TABLE people, computed for the rest."""
        k = (self.audience * self.w.rng.u("actor", i) ** 3).astype(np.int64)
        if self._followers is None:
            self._followers = self._actor_followers(np.arange(min(self.audience, ACTOR_TABLE)))
        table = len(self._followers)
        followers = self._followers[np.minimum(k, table - 1)]
        rare = np.flatnonzero(k >= table)
        followers[rare] = self._actor_followers(k[rare])
        return k, followers

    def _actor_followers(self, k: np.ndarray) -> np.ndarray:
        return np.round(self.w.rng.lognormal("actor-followers", k, 5.0, 1.6)).astype(np.int64)

    # -- blocks -------------------------------------------------------------------------
    def block(self, a: int, b: int) -> dict[str, pa.Array]:
        w, seg, rng = self.w, self.seg, self.w.rng
        i = np.arange(a, b, dtype=np.int64)
        n = len(i)
        is_post = i < seg.n_post_events
        kind = np.empty(n, dtype=np.int64)
        t = np.empty(n)
        parent = np.full(n, -1, dtype=np.int64)
        text = np.full(n, -1, dtype=np.int64)  # index into the text pool (built below)
        pool = np.zeros(n, dtype=np.int64)  # 0 comments, 1 replies, 2 brand, 3 dms, 4 mentions
        is_brand = np.zeros(n, dtype=bool)
        platform = np.empty(n, dtype=np.int64)
        account = np.empty(n, dtype=np.int64)
        content = np.full(n, -1, dtype=np.int64)
        value = np.full(n, np.nan)
        reaction = np.full(n, -1, dtype=np.int64)
        n_post = int(np.count_nonzero(is_post))  # post rows come first: i is sorted
        if n_post:
            self._post_events(
                i[:n_post],
                slice(0, n_post),
                kind,
                t,
                parent,
                text,
                pool,
                is_brand,
                platform,
                account,
                content,
                value,
                reaction,
            )
        if n_post < n:
            self._account_events(
                i[n_post:],
                slice(n_post, n),
                kind,
                t,
                parent,
                text,
                pool,
                is_brand,
                platform,
                account,
            )
        actor_k, followers = self.actor(i)
        brand_rows = np.flatnonzero(is_brand)
        agent_pick = np.zeros(n, dtype=np.int64)
        agent_pick[brand_rows] = rng.below("agent", i[brand_rows], len(AGENTS))
        agent_ok = np.zeros(n, dtype=bool)
        agent_ok[brand_rows] = rng.u("agent-named", i[brand_rows]) >= 0.06
        has_text = text >= 0
        has_parent = parent >= 0
        parents = parent[has_parent]
        return {
            "platform": take(self.platform_names, platform),
            "interaction_id": ids("i", i + 1, self.width, rng.bits("id", i)),
            "content_id": take(self.posts.content_id, np.maximum(content, 0), content >= 0),
            "account_id": take(self.account_ids, account),
            "actor_id": _actors(actor_k, self.actor_width, is_brand, account, self.account_ids),
            "actor_followers": masked(followers, ~is_brand, pa.int64()),
            "kind": take(self.kind_names, kind),
            "occurred_at": timestamps(w.start_us, t),
            "value": masked(np.nan_to_num(value), ~np.isnan(value), pa.float64()),
            "reaction": take(self.reaction_names, np.maximum(reaction, 0), reaction >= 0),
            "text": take(self.all_texts, self.pool_offset[pool] + np.maximum(text, 0), has_text),
            "parent_id": ids(
                "i", parents + 1, self.width, rng.bits("id", parents), valid=has_parent
            ),
            "is_brand": pa.array(is_brand, pa.bool_()),
            "agent": take(self.agent_names, agent_pick, agent_ok),
        }

    def _post_events(
        self,
        i,
        rows,
        kind,
        t,
        parent,
        text,
        pool,
        is_brand,
        platform,
        account,
        content,
        value,
        reaction,
    ) -> None:
        w, seg, rng, posts = self.w, self.seg, self.w.rng, self.posts
        slot, k = self._runs(int(i[0]), int(i[-1]) + 1)
        off = i - seg.start[slot]
        p = seg.post_index[slot]
        time = self.post_time(i, slot)
        par = np.full(len(i), -1, dtype=np.int64)
        txt = np.full(len(i), -1, dtype=np.int64)
        src = np.zeros(len(i), dtype=np.int64)
        c_count = seg.counts[slot, K["comment"]]
        # comments
        m = np.flatnonzero(k == K["comment"])
        if len(m):
            j = off[m] - seg.kstart("comment")[slot[m]]
            lang, cat = self.comment_group(i[m], slot[m], j, time[m])
            txt[m] = self.comments.pick(
                lang * len(T.COMMENT_CATEGORIES) + cat, rng.u("comment-text", i[m])
            )
        # user replies: a random comment of the same post, some minutes later
        m = np.flatnonzero(k == K["reply"])
        if len(m):
            j = rng.below("reply-parent", i[m], c_count[m])
            pg = self.comment_index(slot[m], j)
            pt = self.post_time(pg, slot[m])
            time[m] = _after(pt, rng.lognormal("reply-delay", i[m], np.log(1800), 1.3), w.seconds)
            par[m] = pg
            lang = rng.choice_rows("comment-lang", pg, self.lang_mix[self.slot_platform[slot[m]]])
            txt[m] = self.replies.pick(lang, rng.u("reply-text", i[m]))
            src[m] = 1
        # brand replies: spread evenly over the post's comments, one each, in their language
        m = np.flatnonzero(k == K["brand_reply"])
        if len(m):
            s = slot[m]
            b = off[m] - seg.kstart("brand_reply")[s]
            bcount = seg.counts[s, K["brand_reply"]]
            j = np.floor((b + seg.answer_shift[s]) * c_count[m] / bcount).astype(np.int64)
            pg = self.comment_index(s, j)
            pt = self.post_time(pg, s)
            lang, cat = self.comment_group(pg, s, j, pt)
            median = self.answer_median[self.slot_platform[s]]
            time[m] = _after(pt, median * rng.lognormal("answer-delay", i[m], 0.0, 1.1), w.seconds)
            par[m] = pg
            txt[m] = self.brand.pick(lang * len(T.TONES) + TONE_OF[cat], rng.u("brand-text", i[m]))
            src[m] = 2
            is_brand[rows] = k == K["brand_reply"]
        # views: watched seconds, a share of viewers to the end
        m = np.flatnonzero(k == K["view"])
        if len(m):
            d = posts.duration[p[m]]
            pc = self.completion[posts.fmt[p[m]]]
            done = rng.u("view-complete", i[m]) < pc
            tenths = np.where(
                done, np.round(d * 10), np.floor(d * 10 * rng.u("view-share", i[m]) ** 1.4)
            )
            v = tenths / 10.0
            vals = np.full(len(i), np.nan)
            vals[m] = v
            value[rows] = vals
            slots = len(self.acc.watch_tenths)  # sums of whole tenths: exact in any order
            self.acc.watch_tenths += np.bincount(slot[m], tenths, minlength=slots)
            self.acc.completed += np.bincount(slot[m], v >= d, minlength=slots)
        # reactions with types on Facebook and LinkedIn
        m = np.flatnonzero(k == K["reaction"])
        if len(m):
            plat = self.slot_platform[slot[m]]
            r = np.full(len(m), -1, dtype=np.int64)
            shift = 0
            for name in ("facebook", "linkedin"):
                sel = plat == self.reaction_platform[list(REACTIONS).index(name)]
                r[sel] = shift + rng.choice(
                    f"reaction-{name}", i[m][sel], np.array(REACTIONS[name][1])
                )
                shift += len(REACTIONS[name][0])
            rr = np.full(len(i), -1, dtype=np.int64)
            rr[m] = r
            reaction[rows] = rr
        kind[rows] = np.where(k == K["brand_reply"], K["reply"], k)
        t[rows] = time
        parent[rows] = par
        text[rows] = txt
        pool[rows] = src
        platform[rows] = self.slot_platform[slot]
        account[rows] = posts.account[p]
        content[rows] = p

    def _runs(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """(post slot, kind) of post rows a..b-1, expanded from the runs they overlap."""
        first = np.searchsorted(self.run_begin, a, side="right") - 1
        last = np.searchsorted(self.run_begin, b, side="left")
        begin = np.maximum(self.run_begin[first:last], a)
        end = np.minimum(self.run_begin[first:last] + self.run_size[first:last], b)
        size = end - begin
        return (
            np.repeat(self.run_slot[first:last], size),
            np.repeat(self.run_kind[first:last], size),
        )

    def _account_events(
        self, i, rows, kind, t, parent, text, pool, is_brand, platform, account
    ) -> None:
        w, seg, rng = self.w, self.seg, self.w.rng
        r = i - seg.n_post_events
        k = np.searchsorted(seg.account_start, r, side="right") - 1
        who = self._account_of(i)
        time = w.seconds * rng.u("account-time", i) ** 0.9
        par = np.full(len(i), -1, dtype=np.int64)
        txt = np.full(len(i), -1, dtype=np.int64)
        src = np.zeros(len(i), dtype=np.int64)

        def lang_of(idx: np.ndarray, acc: np.ndarray) -> np.ndarray:
            return rng.choice_rows("dm-lang", idx, self.lang_mix[self.account_platform[acc]])

        dm = ACCOUNT_KINDS.index("dm")
        m = k == dm
        if m.any():
            txt[m] = self.dms.pick(lang_of(i[m], who[m]), rng.u("dm-text", i[m]))
            src[m] = 3
        m = k == ACCOUNT_KINDS.index("dm_reply")
        if m.any():
            d_count, b_count = seg.account_counts[dm], seg.account_counts[dm + 1]
            b = r[m] - seg.account_start[dm + 1]
            pg = (
                seg.n_post_events
                + seg.account_start[dm]
                + ((b + 0.5) * d_count // b_count).astype(np.int64)
            )
            who[m] = self._account_of(pg)
            pt = w.seconds * rng.u("account-time", pg) ** 0.9
            time[m] = _after(pt, rng.lognormal("dm-delay", i[m], np.log(3 * 3600), 1.0), w.seconds)
            par[m] = pg
            tone = 1 + 2 * (rng.u("dm-tone", i[m]) < 0.4)  # answer or apology
            txt[m] = self.brand.pick(
                lang_of(pg, who[m]) * len(T.TONES) + tone, rng.u("brand-text", i[m])
            )
            src[m] = 2
            is_brand[rows] = k == ACCOUNT_KINDS.index("dm_reply")
        m = np.isin(k, [ACCOUNT_KINDS.index("mention"), ACCOUNT_KINDS.index("tag")])
        if m.any():
            cat = rng.choice("mention-cat", i[m], np.array([0.5, 0.4, 0.1, 0, 0]))
            txt[m] = self.mentions.pick(
                lang_of(i[m], who[m]) * len(T.MENTION_CATEGORIES) + cat, rng.u("mention-text", i[m])
            )
            src[m] = 4
        day = np.minimum((time // 86_400).astype(np.int64), w.days - 1)
        pos = np.searchsorted(np.array(OWN_SOCIAL), who)
        for name, sign in (("follow", 1), ("unfollow", -1)):
            m = k == ACCOUNT_KINDS.index(name)
            np.add.at(self.acc.net_follows, (pos[m], day[m]), sign)
            if sign > 0:
                np.add.at(self.acc.follows, (pos[m], day[m]), 1)
        kind[rows] = _ACC0 + k
        t[rows] = time
        parent[rows] = par
        text[rows] = txt
        pool[rows] = src
        platform[rows] = self.account_platform[who]
        account[rows] = who

    def _account_of(self, i: np.ndarray) -> np.ndarray:
        weights = np.array([ACCOUNTS[a].followers for a in OWN_SOCIAL], float)
        return np.array(OWN_SOCIAL)[self.w.rng.choice("event-account", i, weights)]


def _after(parent_t: np.ndarray, delay: np.ndarray, end: float) -> np.ndarray:
    """Parent time + delay, kept inside the window (but always at least 1 s after the parent)."""
    return np.minimum(parent_t + np.maximum(delay, 1.0), np.maximum(end - 1.0, parent_t + 1.0))


def _actors(
    k: np.ndarray, width: int, is_brand: np.ndarray, account: np.ndarray, account_ids: pa.Array
) -> pa.Array:
    import pyarrow.compute as pc

    people = ids("u", k, width)
    return pc.if_else(pa.array(is_brand), plain_take(account_ids, account), people)


__all__ = sorted(["ANSWERED", "Accumulators", "InteractionBuilder", "KIND_NAMES", "UNANSWERED"])
