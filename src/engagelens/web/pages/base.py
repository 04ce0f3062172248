"""What every workspace page shares: the request's context (who, which workspace, which
language, which filters) and the :class:`Page` a page module returns.

A page module is a function ``build(ctx) -> Page``: it calls the same library functions as the
API routers and returns tables and chart specs. :mod:`engagelens.web.routes` turns a Page into
HTML — or, with ``?export=csv&table=…``, into a download — so every table a page shows is
exportable by construction.

Filters come from the query string (``from``, ``to``, ``platform``, ``account``) and are parsed
by the API's own :class:`~engagelens.api.params.FilterParams`, so a dashboard range means what
the same range means in the API.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engagelens.api.errors import InvalidParameter
from engagelens.api.params import FilterParams
from engagelens.metrics import Filters
from engagelens.web.exports import Table

if TYPE_CHECKING:  # pragma: no cover
    from fastapi import Request

    from engagelens.api.auth import Principal
    from engagelens.api.workspaces import Workspace
    from engagelens.web.i18n import Lang

FILTER_KEYS = ("from", "to", "platform", "account", "scope")
#: the ownership switch: own accounts by default (a brand's figures never mix in competitors
#: unless asked), competitors, or every account
SCOPES = ("own", "competitor", "all")


@dataclass
class View:
    """The filter form's values (as typed) and the parsed :class:`Filters`."""

    start: str = ""
    end: str = ""
    platforms: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    filters: Filters = field(default_factory=Filters)
    error: str = ""
    scope: str = "own"

    def params(self) -> list[tuple[str, str]]:
        out = [("from", self.start)] if self.start else []
        out += [("to", self.end)] if self.end else []
        out += [("platform", p) for p in self.platforms]
        out += [("account", a) for a in self.accounts]
        out += [("scope", self.scope)] if self.scope != "own" else []
        return out

    def previous(self) -> Filters | None:
        """The same filters over the period of the same length just before this one (None
        when the period is open: "all time" has nothing before it to compare with)."""
        f = self.filters
        if f.start is None or f.end is None:
            return None
        return dataclasses.replace(f, start=f.start - (f.end - f.start), end=f.start)


def _ownership(scope: str, accounts: tuple[str, ...]) -> str | None:
    """Chosen accounts are shown whoever owns them; otherwise the scope decides."""
    return None if accounts or scope == "all" else scope


def parse_view(request: Request, gettext: Any) -> View:
    """The filters of the query string; an invalid range is dropped with a message."""
    q = request.query_params
    start, end = q.get("from", "")[:40], q.get("to", "")[:40]
    platforms = tuple(dict.fromkeys(v[:200] for v in q.getlist("platform") if v))[:50]
    accounts = tuple(dict.fromkeys(v[:200] for v in q.getlist("account") if v))[:50]
    scope = q.get("scope", "own")
    scope = scope if scope in SCOPES else "own"
    own: Any = _ownership(scope, accounts)
    try:
        parsed = FilterParams(
            from_=start or None,
            to=end or None,
            platform=list(platforms),
            account=list(accounts),
            ownership=own,
        ).filters
        return View(start, end, platforms, accounts, parsed, scope=scope)
    except InvalidParameter:
        view = View(
            platforms=platforms,
            accounts=accounts,
            error=gettext("The date range was not valid, so it is not applied."),
            scope=scope,
        )
        view.filters = FilterParams(
            platform=list(platforms), account=list(accounts), ownership=own
        ).filters
        return view


@dataclass
class Context:
    """One request to one workspace page."""

    request: Request
    principal: Principal
    ws: Workspace
    lang: Lang
    view: View
    settings: dict[str, Any]
    #: filter choices and data bounds for the page (see web/routes.py ``_options``)
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.ws.slug

    @property
    def role(self) -> str:
        return self.principal.role_in(self.ws.slug) or ""

    @property
    def exporting(self) -> bool:
        """True when the request asks for a table download (pages then build every row)."""
        return "export" in self.request.query_params

    def scope_label(self) -> str:
        """Which accounts the figures cover, in words (shown on every page and export)."""
        _ = self._
        if self.view.accounts:
            names = [self.account_label(a) for a in self.view.accounts]
            return _("Accounts") + ": " + ", ".join(names)
        return {
            "own": _("Own accounts"),
            "competitor": _("Competitors"),
            "all": _("All accounts (own and competitors)"),
        }[self.view.scope]

    def account_label(self, account_id: str) -> str:
        for a in self.options.get("account_choices", []):
            if a["id"] == account_id:
                return str(a["label"])
        return account_id

    def _span(self, start: dt.datetime, end: dt.datetime) -> str:
        last = end - dt.timedelta(microseconds=1)
        return f"{self.lang.date(start.date())} – {self.lang.date(last.date())}"

    def period_label(self) -> str:
        """The period in words; an open period says where the data starts and stops."""
        f = self.view.filters
        if f.start is not None and f.end is not None:
            return self._span(f.start, f.end)
        first, last = self.options.get("first_day"), self.options.get("last_day")
        if f.start is None and f.end is None:
            if first and last:
                return self._("All time") + f" ({self.lang.date(first)} – {self.lang.date(last)})"
            return self._("All time")
        lo = self.lang.date(f.start.date()) if f.start else self.lang.date(first)
        hi = self.lang.date((f.end - dt.timedelta(microseconds=1)).date()) if f.end else ""
        return f"{lo} – {hi or self.lang.date(last)}"

    def previous_label(self) -> str:
        prev = self.view.previous()
        if prev is None or prev.start is None or prev.end is None:
            return ""
        return self._span(prev.start, prev.end)

    def can(self, role: str) -> bool:
        return self.principal.can(self.ws.slug, role)

    def _(self, message: str) -> str:
        return self.lang.gettext(message)

    def url(self, page: str = "", **params: Any) -> str:
        """A link to ``page`` of this workspace keeping the filters; ``params`` add to them."""
        pairs: list[tuple[str, str]] = []  # the page's own parameters first, then filters
        for key, value in params.items():
            if isinstance(value, list | tuple):
                pairs += [(key, str(v)) for v in value]
            elif value is not None and value != "":
                pairs.append((key, str(value)))
        pairs += self.view.params()
        path = f"/w/{urllib.parse.quote(self.slug)}/{page}"
        return path + ("?" + urllib.parse.urlencode(pairs) if pairs else "")

    def here(self, **params: Any) -> str:
        """The current page with its query string, some parameters replaced."""
        q = [
            (k, v)
            for k, v in self.request.query_params.multi_items()
            if k not in params and k not in ("export", "table")
        ]
        for key, value in params.items():
            if value is not None and value != "":
                q.append((key, str(value)))
        return self.request.url.path + ("?" + urllib.parse.urlencode(q) if q else "")


@dataclass
class Page:
    """What a page module returns: a template, its title, tables, charts and anything else."""

    template: str
    title: str
    tables: list[Table] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)


def day_axis(days: list[Any], lang: Lang | None = None, *, ticks: int = 8) -> dict[str, Any]:
    """An x axis of calendar days. With ``lang`` the tick labels are written by the server in
    that language (Persian months and digits; Plotly itself only knows Latin digits), at most
    ``ticks`` of them, evenly spaced; without it, Plotly's own labels (a tick a day when few)."""
    axis: dict[str, Any] = {"type": "date"}
    unique = sorted({_as_date(d) for d in days if d is not None})
    if lang is None:
        if len(unique) <= 14:
            axis.update(dtick=86_400_000, tickformat="%b %-d")
        return axis
    if not unique:
        return axis
    step = max(1, -(-len(unique) // ticks))
    chosen = unique[::step]
    axis.update(
        tickmode="array",
        tickvals=[d.isoformat() for d in chosen],
        ticktext=[lang.short_date(d) for d in chosen],
    )
    return axis


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def nice_step(top: float, ticks: int = 5) -> float:
    """A 1-2-5 step so that ``ticks`` steps cover ``top``."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 4, 5, 6, 8, 10) if m * power >= raw)


def _decimals(step: float) -> int:
    """Decimals that write ``step`` exactly (2.5 → 1, 0.25 → 2, 200 → 0), at most 4."""
    for d in range(5):
        if abs(step * 10**d - round(step * 10**d)) < 1e-6:
            return d
    return 4


def value_axis(
    values: list[Any], lang: Lang, *, percent: bool = False, ticks: int = 5
) -> dict[str, Any]:
    """A y axis from zero with ticks written in ``lang``'s digits (``۱٬۰۰۰``, ``۲٫۵%``); two
    axes built with the same ``ticks`` share their grid lines (aligned dual axes)."""
    finite = [float(v) for v in values if isinstance(v, int | float) and math.isfinite(v)]
    top = max(finite, default=0.0)
    step = nice_step(top, ticks)
    vals = [round(step * k, 10) for k in range(ticks + 1)]  # same count on every axis
    digits = _decimals(step * (100 if percent else 1))
    text = [lang.percent(v, min(digits, 2)) if percent else lang.number(v, digits) for v in vals]
    return {
        "tickmode": "array",
        "tickvals": vals,
        "ticktext": text,
        "range": [0, vals[-1] * 1.02],
        "rangemode": "tozero",
    }


def chart(
    chart_id: str, title: str, data: list[dict[str, Any]], layout: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A Plotly figure spec; drawn by static/dashboard.js from a JSON block (no inline JS)."""
    base = {
        "title": {"text": title},
        "margin": {"t": 48, "r": 24, "b": 48, "l": 56},
        "legend": {"orientation": "h"},
        "hovermode": "x unified",
    }
    base.update(layout or {})
    return {"id": chart_id, "title": title, "figure": {"data": data, "layout": base}}


__all__ = [
    "FILTER_KEYS",
    "SCOPES",
    "Context",
    "Page",
    "View",
    "chart",
    "day_axis",
    "nice_step",
    "parse_view",
    "value_axis",
]
