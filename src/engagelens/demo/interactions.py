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
from .segments import ACCOUNT_KINDS, K, POST_KINDS, Segments
from .world import ACCOUNTS, AGENTS, OUTAGE, OWN_SOCIAL, World
from .writer import ids, masked, take, timestamps

KIND_NAMES = [("reply" if k == "brand_reply" else k) for k in POST_KINDS] + \
    [("dm" if k == "dm_reply" else k) for k in ACCOUNT_KINDS]
_ACC0 = len(POST_KINDS)  # account kinds follow post kinds in KIND_NAMES
#: comment categories (texts.COMMENT_CATEGORIES order) of unanswered and answered comments
UNANSWERED = np.array([.22, .06, .06, .04, .20, .14, .07, .13, .08])
ANSWERED = np.array([.30, .26, .20, .15, .03, .02, .0, .02, .02])
COMPLAINT = T.COMMENT_CATEGORIES.index("complaint")
#: comment category -> brand tone (thanks, answer, apology, sales)
TONE_OF = np.array([0, 1, 2, 3, 0, 0, 2, 0, 1])
REACTIONS = {"facebook": (("like", "love", "care", "haha", "wow", "sad", "angry"),
                          (.58, .2, .04, .06, .05, .03, .04)),
             "linkedin": (("like", "celebrate", "support", "love", "insightful", "funny"),
                          (.55, .15, .08, .08, .1, .04))}
COMPLETION = {"short": .45, "reel": .42, "video": .22, "live": .08}
#: brand answer speed per platform (median seconds)
ANSWER_MEDIAN_S = {"facebook": 5400, "instagram": 7200, "x": 2400, "youtube": 14400,
                   "tiktok": 10800, "linkedin": 9000}
LOMAX_SCALE_S, LOMAX_SHAPE = 3 * 3600.0, 1.3


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
        self.acc = Accumulators(np.zeros(slots), np.zeros(slots), np.zeros((len(OWN_SOCIAL), world.days)),
                                np.zeros((len(OWN_SOCIAL), world.days)))
        self.platform_names = pa.array(names, pa.string())
        self.account_ids = pa.array([a.account_id for a in ACCOUNTS], pa.string())
        self.kind_names = pa.array(KIND_NAMES, pa.string())
        self.audience = max(500, world.interactions // 12)
        self.account_platform = np.array([names.index(a.platform) for a in ACCOUNTS])

    # -- shared pieces ------------------------------------------------------------------
    def post_time(self, i: np.ndarray, slot: np.ndarray) -> np.ndarray:
        """Event time after publishing: truncated Lomax (power-law decay of attention)."""
        pub = self.posts.created[self.seg.post_index[slot]]
        span = self.w.seconds - pub
        top = 1.0 - (1.0 + span / LOMAX_SCALE_S) ** -LOMAX_SHAPE
        u = self.w.rng.u("post-event-time", i) * top
        return pub + LOMAX_SCALE_S * ((1.0 - u) ** (-1.0 / LOMAX_SHAPE) - 1.0)

    def answered(self, slot: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Whether comment ``j`` of a post is one the brand answers (inverse of reply_parent)."""
        c = self.seg.counts[slot, K["comment"]]
        b = self.seg.counts[slot, K["brand_reply"]]
        shift = self.seg.answer_shift[slot]
        safe_b = np.maximum(b, 1)
        b0 = np.ceil(j * safe_b / np.maximum(c, 1) - shift)
        back = np.floor((b0 + shift) * c / safe_b)
        return (b > 0) & (b0 >= 0) & (b0 < b) & (back == j)

    def comment_group(self, gidx: np.ndarray, slot: np.ndarray, j: np.ndarray, t: np.ndarray
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
        k = (self.audience * self.w.rng.u("actor", i) ** 3).astype(np.int64)
        followers = np.round(self.w.rng.lognormal("actor-followers", k, 5.0, 1.6))
        return k, followers.astype(np.int64)

    # -- blocks -------------------------------------------------------------------------
    def block(self, a: int, b: int) -> dict[str, pa.Array]:
        w, seg, rng = self.w, self.seg, self.w.rng
        i = np.arange(a, b, dtype=np.int64)
        n = len(i)
        is_post = i < seg.n_post_events
        kind = np.empty(n, dtype=np.int64)
        t = np.empty(n)
        parent = np.full(n, -1, dtype=np.int64)
        text = np.full(n, -1, dtype=np.int64)   # index into the text pool (built below)
        pool = np.zeros(n, dtype=np.int64)      # 0 comments, 1 replies, 2 brand, 3 dms, 4 mentions
        is_brand = np.zeros(n, dtype=bool)
        platform = np.empty(n, dtype=np.int64)
        account = np.empty(n, dtype=np.int64)
        content = np.full(n, -1, dtype=np.int64)
        value = np.full(n, np.nan)
        reaction = np.full(n, -1, dtype=np.int64)
        ip = i[is_post]
        if len(ip):
            self._post_events(ip, is_post, kind, t, parent, text, pool, is_brand, platform,
                              account, content, value, reaction)
        ia = i[~is_post]
        if len(ia):
            self._account_events(ia, ~is_post, kind, t, parent, text, pool, is_brand, platform,
                                 account)
        actor_k, followers = self.actor(i)
        agent_pick = rng.below("agent", i, len(AGENTS))
        agent_ok = is_brand & (rng.u("agent-named", i) >= 0.06)
        banks = [self.comments, self.replies, self.brand, self.dms, self.mentions]
        offsets = np.cumsum([0] + [len(bk.texts) for bk in banks])
        all_texts = pa.concat_arrays([bk.texts for bk in banks])
        has_text = text >= 0
        reactions = pa.array(REACTIONS["facebook"][0] + REACTIONS["linkedin"][0], pa.string())
        return {
            "platform": take(self.platform_names, platform),
            "interaction_id": ids("i", i + 1, self.width, rng.bits("id", i)),
            "content_id": take(self.posts.content_id, np.maximum(content, 0), content >= 0),
            "account_id": take(self.account_ids, account),
            "actor_id": _actors(actor_k, is_brand, account, self.account_ids),
            "actor_followers": masked(followers, ~is_brand, pa.int64()),
            "kind": take(self.kind_names, kind),
            "occurred_at": timestamps(w.start_us, t),
            "value": masked(np.nan_to_num(value), ~np.isnan(value), pa.float64()),
            "reaction": take(reactions, np.maximum(reaction, 0), reaction >= 0),
            "text": take(all_texts, offsets[pool] + np.maximum(text, 0), has_text),
            "parent_id": ids("i", parent + 1, self.width, rng.bits("id", np.maximum(parent, 0)),
                             valid=parent >= 0),
            "is_brand": pa.array(is_brand, pa.bool_()),
            "agent": take(list(AGENTS), agent_pick, agent_ok),
        }

    def _post_events(self, i, rows, kind, t, parent, text, pool, is_brand, platform, account,
                     content, value, reaction) -> None:
        w, seg, rng, posts = self.w, self.seg, self.w.rng, self.posts
        slot = np.searchsorted(seg.start, i, side="right") - 1
        off = i - seg.start[slot]
        k = np.zeros(len(i), dtype=np.int64)
        for col in range(len(POST_KINDS)):
            k += off >= seg.kend[slot, col]
        p = seg.post_index[slot]
        time = self.post_time(i, slot)
        par = np.full(len(i), -1, dtype=np.int64)
        txt = np.full(len(i), -1, dtype=np.int64)
        src = np.zeros(len(i), dtype=np.int64)
        c_count = seg.counts[slot, K["comment"]]
        # comments
        m = k == K["comment"]
        if m.any():
            j = off[m] - seg.kstart("comment")[slot[m]]
            lang, cat = self.comment_group(i[m], slot[m], j, time[m])
            txt[m] = self.comments.pick(lang * len(T.COMMENT_CATEGORIES) + cat,
                                        rng.u("comment-text", i[m]))
        # user replies: a random comment of the same post, some minutes later
        m = k == K["reply"]
        if m.any():
            j = rng.below("reply-parent", i[m], c_count[m])
            pg = self.comment_index(slot[m], j)
            pt = self.post_time(pg, slot[m])
            time[m] = _after(pt, rng.lognormal("reply-delay", i[m], np.log(1800), 1.3), w.seconds)
            par[m] = pg
            lang = rng.choice_rows("comment-lang", pg, self.lang_mix[self.slot_platform[slot[m]]])
            txt[m] = self.replies.pick(lang, rng.u("reply-text", i[m]))
            src[m] = 1
        # brand replies: spread evenly over the post's comments, one each, in their language
        m = k == K["brand_reply"]
        if m.any():
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
        m = k == K["view"]
        if m.any():
            d = posts.duration[p[m]]
            pc = np.array([COMPLETION.get(f, .2) for f in FORMATS])[posts.fmt[p[m]]]
            done = rng.u("view-complete", i[m]) < pc
            tenths = np.where(done, np.round(d * 10), np.floor(d * 10 * rng.u("view-share", i[m]) ** 1.4))
            v = tenths / 10.0
            vals = np.full(len(i), np.nan)
            vals[m] = v
            value[rows] = vals
            np.add.at(self.acc.watch_tenths, slot[m], tenths)
            np.add.at(self.acc.completed, slot[m], v >= d)
        # reactions with types on Facebook and LinkedIn
        m = k == K["reaction"]
        if m.any():
            plat = np.array(list(LANGUAGE_MIX))[self.slot_platform[slot[m]]]
            r = np.full(m.sum(), -1, dtype=np.int64)
            shift = 0
            for name in ("facebook", "linkedin"):
                sel = plat == name
                r[sel] = shift + rng.choice(f"reaction-{name}", i[m][sel], np.array(REACTIONS[name][1]))
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

    def _account_events(self, i, rows, kind, t, parent, text, pool, is_brand, platform,
                        account) -> None:
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
            pg = seg.n_post_events + seg.account_start[dm] + ((b + 0.5) * d_count // b_count
                                                              ).astype(np.int64)
            who[m] = self._account_of(pg)
            pt = w.seconds * rng.u("account-time", pg) ** 0.9
            time[m] = _after(pt, rng.lognormal("dm-delay", i[m], np.log(3 * 3600), 1.0), w.seconds)
            par[m] = pg
            tone = 1 + 2 * (rng.u("dm-tone", i[m]) < 0.4)  # answer or apology
            txt[m] = self.brand.pick(lang_of(pg, who[m]) * len(T.TONES) + tone, rng.u("brand-text", i[m]))
            src[m] = 2
            is_brand[rows] = k == ACCOUNT_KINDS.index("dm_reply")
        m = np.isin(k, [ACCOUNT_KINDS.index("mention"), ACCOUNT_KINDS.index("tag")])
        if m.any():
            cat = rng.choice("mention-cat", i[m], np.array([.5, .4, .1, 0, 0]))
            txt[m] = self.mentions.pick(lang_of(i[m], who[m]) * len(T.MENTION_CATEGORIES) + cat,
                                        rng.u("mention-text", i[m]))
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
    return np.minimum(parent_t + np.maximum(delay, 1.0),
                      np.maximum(end - 1.0, parent_t + 1.0))


def _actors(k: np.ndarray, is_brand: np.ndarray, account: np.ndarray,
            account_ids: pa.Array) -> pa.Array:
    import pyarrow.compute as pc

    people = ids("u", k, 7)
    return pc.if_else(pa.array(is_brand), take(account_ids, account), people)


__all__ = sorted(["ANSWERED", "Accumulators", "InteractionBuilder", "KIND_NAMES", "UNANSWERED"])
