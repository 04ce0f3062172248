"""Web, e-mail and survey metrics: CTR's downstream numbers and the voice of the customer."""

from __future__ import annotations

import ibis

from engagelens.metrics.base import MetricContext, calendar_part
from engagelens.metrics.facts import grain_keys, safe_div, tz
from engagelens.metrics.timekeys import calendar_key

from ._declare import declare

SITE_GRAINS = ("total", "campaign", "day", "week", "month")
SURVEY_GRAINS = ("total", "day", "week", "month")


def _agg(t: ibis.Table, keys: list[str], **aggs) -> ibis.Table:
    return t.group_by(keys).agg(**aggs) if keys else t.agg(**aggs)


def _filtered(ctx: MetricContext, name: str, time_col: str, *, campaign: bool = True) -> ibis.Table:
    t = ctx.table(name)
    f = ctx.filters
    ts = t[time_col]
    conds = []
    if f.start is not None:
        conds.append(ts >= f.start)
    if f.end is not None:
        conds.append(ts < f.end)
    if campaign and f.campaigns:
        conds.append(t.campaign.isin(list(f.campaigns)))
    if conds:
        t = t.filter(conds)
    if part := calendar_part(ctx.grain):
        t = t.mutate(**{part: calendar_key(t[time_col], part, tz(ctx), ctx.store.backend)})
    return t


def _sessions(ctx: MetricContext) -> ibis.Table:
    return _filtered(ctx, "web_session", "started_at")


def _conversion_rate(ctx: MetricContext) -> ibis.Table:
    s = _sessions(ctx)
    conv = (
        ctx.table("conversion")
        .filter(lambda t: t.session_id.notnull())
        .select("session_id")
        .distinct()
        .mutate(_conv=ibis.literal(1))
    )
    j = s.left_join(conv, "session_id")
    t = _agg(j, grain_keys(ctx.grain), _c=j._conv.fill_null(0).sum(), _n=j.session_id.nunique())
    return t.mutate(conversion_rate=safe_div(t._c, t._n)).drop("_c", "_n")


def _bounce(ctx: MetricContext) -> ibis.Table:
    s = _sessions(ctx)
    t = _agg(s, grain_keys(ctx.grain), _b=s.bounced.cast("int64").sum(), _n=s.bounced.count())
    return t.mutate(bounce_rate=safe_div(t._b, t._n)).drop("_b", "_n")


def _time_on_site(ctx: MetricContext) -> ibis.Table:
    s = _sessions(ctx)
    return _agg(s, grain_keys(ctx.grain), average_time_on_site=s.duration_s.mean())


def _arpu(ctx: MetricContext) -> ibis.Table:
    keys = grain_keys(ctx.grain)
    s = _sessions(ctx)
    users = _agg(s, keys, _u=s.visitor_id.nunique())
    c = _filtered(ctx, "conversion", "occurred_at")
    rev = _agg(c, keys, _r=c.value.sum())
    if keys:
        j = users.left_join(rev, [users[k].identical_to(rev[k]) for k in keys])
    else:
        j = users.cross_join(rev)
    j = j.select(*keys, arpu=safe_div(j._r.fill_null(0.0), j._u))
    return j


declare(
    name="conversion_rate",
    title="Conversion rate",
    description="Share of site sessions that converted (a conversion row names the session).",
    formula="#sessions with ≥1 conversion ÷ #sessions",
    unit="fraction",
    grains=SITE_GRAINS,
    requires=("web_session", "conversion"),
    source="Google Analytics, 'Session conversion rate'",
    build=_conversion_rate,
    tags=("web", "rate"),
)
declare(
    name="bounce_rate",
    title="Bounce rate",
    description="Share of sessions that left after one page without interacting "
    "(sessions whose bounce flag is unknown are left out).",
    formula="#bounced sessions ÷ #sessions with a bounce flag",
    unit="fraction",
    grains=SITE_GRAINS,
    requires=("web_session",),
    source="Google Analytics (Universal), 'Bounce rate'",
    build=_bounce,
    higher_is_better=False,
    tags=("web", "rate"),
)
declare(
    name="average_time_on_site",
    title="Average time on site",
    description="Mean session duration in seconds.",
    formula="Σ duration_s ÷ #sessions",
    unit="seconds",
    grains=SITE_GRAINS,
    requires=("web_session",),
    source="Google Analytics, 'Avg. session duration'",
    build=_time_on_site,
    tags=("web",),
)
declare(
    name="arpu",
    title="Average revenue per user (ARPU)",
    description="Conversion value ÷ distinct site visitors in the same cell. Currencies are "
    "not converted: keep one currency per store.",
    formula="Σ conversion.value ÷ distinct web_session.visitor_id",
    unit="currency",
    grains=SITE_GRAINS,
    requires=("web_session", "conversion"),
    source="ARPU = total revenue ÷ number of users (e.g. Investopedia, 'Average Revenue Per User')",
    build=_arpu,
    tags=("value",),
)


_SEND_KINDS = ("sent", "delivered")


def _email_pairs(ctx: MetricContext) -> ibis.Table:
    """One row per (campaign, recipient): what happened to that e-mail, keyed by its send time.

    Why pairs: a recipient who opens two campaigns opened two e-mails, so at every grain
    above the campaign the rates count distinct (campaign, recipient) pairs, never distinct
    recipients. Day/week/month and the date filter use the send time (first sent/delivered
    event), so an open the day after the send counts with the send."""
    e = ctx.table("email_event")
    f = ctx.filters
    if f.campaigns:
        e = e.filter(e.campaign.isin(list(f.campaigns)))
    sent_at = e.occurred_at.min(where=e.kind.isin(list(_SEND_KINDS)))
    p = e.group_by(["campaign", "recipient_id"]).agg(
        _at=sent_at.fill_null(e.occurred_at.min()),
        _delivered=(e.kind == "delivered").any(),
        _sent=(e.kind == "sent").any(),
        _bounce=(e.kind == "bounce").any(),
        _open=(e.kind == "open").any(),
        _click=(e.kind == "click").any(),
        _unsub=(e.kind == "unsubscribe").any(),
    )
    p = p.filter(p.recipient_id.notnull())
    # the sender reports deliveries for the campaign, or else delivered = sent − bounced
    reports = p.group_by("campaign").agg(_reports=p._delivered.any())
    p = p.left_join(reports, [p.campaign.identical_to(reports.campaign)])
    p = p.mutate(_del=ibis.ifelse(p._reports, p._delivered, p._sent & ~p._bounce))
    conds = []
    if f.start is not None:
        conds.append(p._at >= f.start)
    if f.end is not None:
        conds.append(p._at < f.end)
    if conds:
        p = p.filter(conds)
    if part := calendar_part(ctx.grain):
        p = p.mutate(**{part: calendar_key(p._at, part, tz(ctx), ctx.store.backend)})
    return p


def _email_rates(ctx: MetricContext) -> ibis.Table:
    return ctx.memo("email_rates", lambda: _email_rates_table(ctx))


def _email_rates_table(ctx: MetricContext) -> ibis.Table:
    p = _email_pairs(ctx)

    def n(flag: ibis.Value) -> ibis.Value:
        return flag.cast("int64").sum()

    t = _agg(
        p,
        grain_keys(ctx.grain),
        _del=n(p._del),
        _open=n(p._open),
        _click=n(p._click),
        _unsub=n(p._unsub),
    )
    return t.mutate(
        email_open_rate=safe_div(t._open, t._del),
        email_click_rate=safe_div(t._click, t._del),
        email_click_to_open_rate=safe_div(t._click, t._open),
        email_unsubscribe_rate=safe_div(t._unsub, t._del),
    )


def _email_builder(name: str):
    def build(ctx: MetricContext) -> ibis.Table:
        t = _email_rates(ctx)
        return t.select(*grain_keys(ctx.grain), name)

    return build


_EMAIL = [
    ("email_open_rate", "Email open rate", "unique opens ÷ delivered", True),
    ("email_click_rate", "Email click rate (CTR)", "unique clicks ÷ delivered", True),
    ("email_click_to_open_rate", "Email click-to-open rate", "unique clicks ÷ unique opens", True),
    ("email_unsubscribe_rate", "Email unsubscribe rate", "unsubscribes ÷ delivered", False),
]
for _name, _title, _formula, _hib in _EMAIL:
    declare(
        name=_name,
        title=_title,
        description=f"{_formula[0].upper() + _formula[1:]}, counting each e-mail — a distinct "
        "(campaign, recipient) pair — once, however often it was opened or clicked. "
        "Delivered = pairs with a 'delivered' event, or sent − bounced for a campaign "
        "whose sender reports no deliveries. Time grains and the date range use "
        "the send time.",
        formula=_formula + " (distinct campaign × recipient pairs)",
        unit="fraction",
        grains=SITE_GRAINS,
        requires=("email_event",),
        source="Mailchimp, 'Email marketing benchmarks' and Campaign Monitor, 'Email marketing "
        "benchmarks': open rate = unique opens ÷ delivered, click rate = unique clicks ÷ "
        "delivered, click-to-open = unique clicks ÷ unique opens, unsubscribe rate = "
        "unsubscribes ÷ delivered",
        build=_email_builder(_name),
        higher_is_better=_hib,
        tags=("email", "rate"),
    )


def _nps(ctx: MetricContext) -> ibis.Table:
    s = _filtered(ctx, "survey_response", "answered_at", campaign=False)
    t = _agg(
        s,
        grain_keys(ctx.grain),
        _p=(s.score >= 9).cast("int64").sum(),
        _d=(s.score <= 6).cast("int64").sum(),
        _n=s.response_id.nunique(),
    )
    return t.mutate(nps=safe_div((t._p - t._d) * 100, t._n)).drop("_p", "_d", "_n")


declare(
    name="nps",
    title="Net Promoter Score (NPS)",
    description="Promoters (9–10) minus detractors (0–6), as a share of all answers, on −100…100.",
    formula="100 × (#score ≥ 9 − #score ≤ 6) ÷ #responses",
    unit="nps",
    grains=SURVEY_GRAINS,
    requires=("survey_response",),
    source=(
        "Reichheld, 'The One Number You Need to Grow', Harvard Business Review (2003); Bain & Co."
    ),
    build=_nps,
    tags=("customer",),
)

__all__: list[str] = []
