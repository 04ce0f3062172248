"""The dashboard's URLs, plugged into the API app by ``create_app`` (``router`` + ``install``).

====================================  ===========================================================
``GET /``                             to the workspace picker, or to the login page
``GET|POST /login``, ``POST /logout`` password or API-token login (throttled); logout (CSRF)
``POST /locale``                      switch language (kept in the session)
``GET /workspaces``                   workspaces the user has a role in
``GET /w/{ws}/``                      overview; ``content``, ``post``, ``listening``,
                                      ``mentions``, ``competitors``, ``alerts``, ``inbox``
``POST /w/{ws}/inbox/replied``        mark an inbox item answered (analyst; CSRF-checked)
``POST /w/{ws}/listening/draft``      try the query form on the stored mentions (CSRF-checked)
``GET /w/{ws}/listening/test``        a draft's matches as JSON, for the form's live preview
``POST /w/{ws}/listening/queries``    save (create/edit) a query and run it (analyst; CSRF)
``POST …/listening/queries/remove``   remove a query and its matches (analyst; CSRF)
``POST /w/{ws}/alerts/rules``         create an alert rule; ``…/remove``; ``POST …/alerts/run``
                                      checks every rule now (analyst; CSRF)
``?export=csv|xlsx&table=NAME``       any page's table as a download, same filters
``GET /static/dashboard/…``           CSS, JS, and Plotly's JS from the installed plotly package
====================================  ===========================================================

Workspace pages answer 404 for a workspace the user has no role in, exactly like one that does
not exist (the API's rule). Errors on dashboard URLs are HTML pages; the API keeps its JSON.
"""

from __future__ import annotations

import math
import urllib.parse
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Request, Response
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse

from engagelens.api.auth import state_of
from engagelens.api.routers.overview import rollup_of
from engagelens.errors import EngageLensError, NotFound, PermissionDenied
from engagelens.listening import remove_query
from engagelens.listening.runner import save_query

from . import auth, errors, i18n, session
from .exports import FORMATS, filename
from .i18n import N_
from .pages import (
    alerts,
    base,
    competitors,
    content,
    inbox,
    listening,
    mentions,
    overview,
    post,
)
from .render import STATIC_PREFIX, current_lang, render, safe_next
from .throttle import LoginThrottle

router = APIRouter(include_in_schema=False)
STATIC_DIR = Path(__file__).parent / "static"
FormRequired = Annotated[str, Form(max_length=2000)]
FormText = Annotated[str, Form(max_length=2000)]

PAGES: dict[str, Any] = {
    "": overview.build,
    "content": content.build,
    "post": post.build,
    "listening": listening.build,
    "mentions": mentions.build,
    "competitors": competitors.build,
    "alerts": alerts.build,
    "inbox": inbox.build,
}
#: the navigation, in order: (page, message id)
NAV = (
    ("", N_("Overview")),
    ("content", N_("Content")),
    ("listening", N_("Listening")),
    ("mentions", N_("Mentions")),
    ("competitors", N_("Competitors")),
    ("alerts", N_("Alerts")),
    ("inbox", N_("Inbox")),
)
#: the login page's answer while failed log-ins are throttled
THROTTLED = N_("Too many failed attempts. Wait %(minutes)s min and try again.")
#: values from the data that the pages translate: roles, sentiment and quality labels
LABELS = (
    N_("viewer"),
    N_("analyst"),
    N_("admin"),
    N_("positive"),
    N_("negative"),
    N_("neutral"),
    N_("substantive"),
    N_("low_effort"),
    N_("spam"),
)


def _redirect(url: str, request: Request) -> Response:
    return session.save(request, RedirectResponse(url, status_code=303))


@router.get("/")
def home(request: Request) -> Response:
    target = "/workspaces" if auth.principal_of(request) else "/login"
    return _redirect(target, request)


@router.get("/login")
def login_form(request: Request, next: str = "") -> Response:
    return render(
        request, "login.html", title=current_lang(request).gettext("Log in"), next=safe_next(next)
    )


def _too_many(request: Request, next: str, message: str, wait_s: float) -> Response:
    _ = current_lang(request).gettext
    response = render(
        request, "login.html", status=429, title=_("Log in"), next=safe_next(next), error=message
    )
    response.headers["retry-after"] = str(LoginThrottle.retry_after(wait_s))
    return response


@router.post("/login")
def login(
    request: Request,
    csrf_token: FormText = "",
    username: FormText = "",
    password: FormText = "",
    token: FormText = "",
    next: FormText = "",
) -> Response:
    """Check the credentials, at most ``login_max_failures`` wrong ones per user name and
    ``login_max_failures_per_ip`` per client in ``login_window_seconds`` (:mod:`.throttle`):
    past that, 429 with ``Retry-After``, before any password is checked. The answer never
    says whether the user name exists."""
    session.check_csrf(request, csrf_token)
    lang = current_lang(request)
    _ = lang.gettext
    state = state_of(request)
    client = request.client.host if request.client else "?"
    wait = state.limiter.hit(f"web-login:{client}")  # the API's per-minute flood guard
    if wait > 0:
        return _too_many(request, next, _("Too many attempts. Wait a minute and try again."), wait)
    user = None if token.strip() else username
    throttle = auth.throttle_of(request)
    wait = throttle.attempt(client, user)
    if wait > 0:
        minutes = lang.number(math.ceil(wait / 60))
        return _too_many(request, next, _(THROTTLED) % {"minutes": minutes}, wait)
    if user is None:
        principal = auth.login_token(request, token)
    else:
        principal = auth.login_password(request, username, password)
    if principal is None:
        return render(
            request,
            "login.html",
            status=401,
            title=_("Log in"),
            next=safe_next(next),
            error=_("Those credentials are not valid."),
        )
    throttle.succeeded(client, user)
    target = safe_next(next)
    if target == "/workspaces" and principal.workspace:
        target = f"/w/{urllib.parse.quote(principal.workspace)}/"
    return _redirect(target, request)


@router.post("/logout")
def logout(request: Request, csrf_token: FormText = "") -> Response:
    session.check_csrf(request, csrf_token)
    auth.logout(request)
    return _redirect("/login", request)


@router.post("/locale")
def set_locale(
    request: Request, locale: FormText = "", csrf_token: FormText = "", next: FormText = ""
) -> Response:
    session.check_csrf(request, csrf_token)
    session.update(request, locale=i18n.normalise(locale))
    return _redirect(safe_next(next), request)


@router.get("/workspaces")
def workspaces(request: Request) -> Response:
    principal = auth.require_login(request)
    names = {w["slug"]: w["name"] for w in state_of(request).control.workspaces()}
    rows = [
        {"slug": slug, "name": names.get(slug, slug), "role": role}
        for slug, role in sorted(principal.roles.items())
        if slug in names
    ]
    return render(
        request,
        "workspaces.html",
        title=current_lang(request).gettext("Workspaces"),
        workspaces=rows,
    )


@router.get("/w/{workspace}")
def workspace_root(workspace: str, request: Request) -> Response:
    auth.open_workspace(request, workspace)
    return _redirect(f"/w/{urllib.parse.quote(workspace)}/", request)


def _account_choices(store: Any) -> list[dict[str, Any]]:
    """Accounts for the picker with a readable label (handle or name, and platform), own
    accounts first, then competitors."""
    t = store.table("account")
    rows = (
        t.select("platform", "account_id", "handle", "name", "is_own", "is_competitor")
        .to_pyarrow()
        .to_pylist()
    )
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        if not (r["is_own"] or r["is_competitor"]):
            continue  # audience members are not in the picker
        shown = r["handle"] or r["name"] or r["account_id"]
        out[r["account_id"]] = {
            "id": r["account_id"],
            "label": f"{shown} · {r['platform']}",
            "group": "own" if r["is_own"] else "competitor",
        }
    return sorted(out.values(), key=lambda a: (a["group"] != "own", a["label"].lower()))


def _options(ctx: base.Context) -> dict[str, Any]:
    """Platforms and accounts for the filter menus, and quick ranges ending on the last day
    with posts (so "last 30 days" means something on historical data)."""
    import datetime as dt

    frame = rollup_of(ctx.ws, ctx.settings)
    first = frame["created_at"].min() if frame.height else None
    last = frame["created_at"].max() if frame.height else None
    ranges = []
    months = []
    if isinstance(last, dt.datetime):
        end = last.date()
        for days in (7, 30, 90):
            ranges.append((days, (end - dt.timedelta(days=days - 1)).isoformat(), end.isoformat()))
        # calendar presets: the month of the last post and the month before it
        this_month = end.replace(day=1)
        before = (this_month - dt.timedelta(days=1)).replace(day=1)
        months = [
            ("this_month", this_month.isoformat(), end.isoformat()),
            ("last_month", before.isoformat(), (this_month - dt.timedelta(days=1)).isoformat()),
        ]
    choices = ctx.ws.derive("account_choices", _account_choices)
    in_posts = {v for v in frame["account_id"].unique().to_list() if v}
    listed = {a["id"] for a in choices}
    choices = choices + [{"id": a, "label": a, "group": "other"} for a in sorted(in_posts - listed)]
    return {
        "platforms": sorted(v for v in frame["platform"].unique().to_list() if v),
        "accounts": [a["id"] for a in choices],
        "account_choices": choices,
        "ranges": ranges,
        "months": months,
        "first_day": first.date() if isinstance(first, dt.datetime) else None,
        "last_day": last.date() if isinstance(last, dt.datetime) else None,
    }


def _context(request: Request, workspace: str, role: str = "viewer") -> base.Context:
    principal, ws = auth.open_workspace(request, workspace, role)
    lang = current_lang(request)
    ctx = base.Context(
        request,
        principal,
        ws,
        lang,
        base.parse_view(request, lang.gettext),
        state_of(request).settings,
    )
    ctx.options = _options(ctx)
    return ctx


def _serve(request: Request, workspace: str, page_name: str) -> Response:
    ctx = _context(request, workspace)
    return _respond(ctx, PAGES[page_name](ctx), page_name)


def _respond(ctx: base.Context, page: base.Page, page_name: str, status: int = 200) -> Response:
    request = ctx.request
    fmt = request.query_params.get("export")
    if fmt is not None:
        table = page.table(request.query_params.get("table", ""))
        if fmt not in FORMATS or table is None:
            raise NotFound("no such export")
        media_type, write = FORMATS[fmt]
        name = filename([ctx.slug, page_name or "overview", table.name], fmt)
        return Response(
            write(table),
            media_type=media_type,
            headers={
                "content-disposition": f'attachment; filename="{name}"',
                "cache-control": "no-store",
            },
        )
    return render(
        request,
        page.template,
        status=status,
        lang=ctx.lang,
        ctx=ctx,
        page=page,
        nav=NAV,
        page_name=page_name,
        title=page.title,
    )


@router.get("/w/{workspace}/")
def overview_page(workspace: str, request: Request) -> Response:
    return _serve(request, workspace, "")


@router.get("/w/{workspace}/{page_name}")
def workspace_page(workspace: str, page_name: str, request: Request) -> Response:
    if page_name not in PAGES:
        auth.open_workspace(request, workspace)  # 404 for the workspace comes first
        raise NotFound("no such page")
    return _serve(request, workspace, page_name)


@router.post("/w/{workspace}/inbox/replied")
def inbox_replied(
    workspace: str,
    request: Request,
    platform: FormRequired,
    interaction_id: FormRequired,
    csrf_token: FormText = "",
    next: FormText = "",
) -> Response:
    session.check_csrf(request, csrf_token)
    ctx = _context(request, workspace)
    if not ctx.can("analyst"):
        raise PermissionDenied("marking items replied needs the analyst role")
    inbox.mark_replied(ctx, platform, interaction_id)
    back = safe_next(next)
    if not back.startswith(f"/w/{urllib.parse.quote(workspace)}/"):
        back = ctx.url("inbox")
    return _redirect(back, request)


def _query_form(
    name: str, query: str, kind: str, ignore_accents: str, segment_chinese: str, replaces: str
) -> dict[str, Any]:
    return {
        "name": name.strip(),
        "query": query,
        "kind": kind,
        "ignore_accents": ignore_accents == "1",
        "segment_chinese": segment_chinese == "1",
        "replaces": replaces,
        "error": "",
    }


@router.post("/w/{workspace}/listening/draft")
def listening_draft(
    workspace: str,
    request: Request,
    csrf_token: FormText = "",
    name: FormText = "",
    query: FormText = "",
    kind: FormText = "brand",
    ignore_accents: FormText = "",
    segment_chinese: FormText = "",
    replaces: FormText = "",
) -> Response:
    """The listening page with the form kept and the draft's matches (nothing saved)."""
    session.check_csrf(request, csrf_token)
    ctx = _context(request, workspace)
    form = _query_form(name, query, kind, ignore_accents, segment_chinese, replaces)
    return _respond(ctx, listening.build(ctx, form, test=True), "listening")


@router.get("/w/{workspace}/listening/test")
def listening_test(
    workspace: str,
    request: Request,
    query: str = "",
    ignore_accents: str = "",
    segment_chinese: str = "",
) -> Response:
    """A draft's first matches for the form's live preview, written in the page's language
    (the script only inserts them as text)."""
    ctx = _context(request, workspace)
    form = _query_form("", query[:2000], "brand", ignore_accents, segment_chinese, "")
    if not form["query"].strip():
        return JSONResponse({"error": "", "summary": "", "rows": []})
    draft = listening.run_draft(ctx, form)
    keys = ("when", "platform", "author_handle", "text", "terms_text")
    return JSONResponse(
        {
            "error": draft["error"],
            "summary": listening.draft_summary(ctx, draft) if not draft["error"] else "",
            "rows": [{k: r.get(k) or "" for k in keys} for r in draft["rows"]],
        },
        headers={"cache-control": "no-store"},
    )


@router.post("/w/{workspace}/listening/queries")
def listening_save(
    workspace: str,
    request: Request,
    csrf_token: FormText = "",
    name: FormText = "",
    query: FormText = "",
    kind: FormText = "brand",
    ignore_accents: FormText = "",
    segment_chinese: FormText = "",
    replaces: FormText = "",
) -> Response:
    """Create or edit a query and match it at once (the library call of ``POST
    /api/v1/…/listening/queries``); a bad query re-shows the form with the error (400)."""
    session.check_csrf(request, csrf_token)
    ctx = _context(request, workspace)
    if not ctx.can("analyst"):
        raise PermissionDenied("saving listening queries needs the analyst role")
    form = _query_form(name, query, kind, ignore_accents, segment_chinese, replaces)
    _ = ctx._
    if not form["name"] or not form["query"].strip():
        form["error"] = _("Give the query a name and the words to match.")
        return _respond(ctx, listening.build(ctx, form), "listening", status=400)
    try:
        with ctx.ws.session() as store:
            save_query(
                store,
                form["name"],
                form["query"],
                kind=form["kind"],
                ignore_accents=form["ignore_accents"],
                segment_chinese=form["segment_chinese"],
                replaces=form["replaces"] or None,
            )
    except EngageLensError as exc:
        form["error"] = str(exc)
        return _respond(ctx, listening.build(ctx, form), "listening", status=400)
    finally:
        ctx.ws.bump()
    return _redirect(ctx.url("listening", saved=form["name"]), request)


@router.post("/w/{workspace}/listening/queries/remove")
def listening_remove(
    workspace: str, request: Request, name: FormRequired, csrf_token: FormText = ""
) -> Response:
    session.check_csrf(request, csrf_token)
    ctx = _context(request, workspace)
    if not ctx.can("analyst"):
        raise PermissionDenied("removing listening queries needs the analyst role")
    with ctx.ws.session() as store:
        remove_query(store, name)
    ctx.ws.bump()
    return _redirect(ctx.url("listening", removed=name), request)


def _analyst(request: Request, workspace: str, csrf_token: str, what: str) -> base.Context:
    session.check_csrf(request, csrf_token)
    ctx = _context(request, workspace)
    if not ctx.can("analyst"):
        raise PermissionDenied(f"{what} needs the analyst role")
    return ctx


@router.post("/w/{workspace}/alerts/rules")
def alerts_save(
    workspace: str,
    request: Request,
    csrf_token: FormText = "",
    name: FormText = "",
    kind: FormText = "keyword",
    query: FormText = "",
    keyword: FormText = "",
    threshold: FormText = "",
    channels: FormText = "log",
) -> Response:
    """Create or replace a rule (``listening.alerts.add_rule``, as ``POST /api/v1/…/alerts/
    rules``); a rule that is not valid comes back in the form with the error (400)."""
    ctx = _analyst(request, workspace, csrf_token, "saving alert rules")
    form = {
        "name": name.strip(),
        "kind": kind,
        "query": query,
        "keyword": keyword,
        "threshold": threshold,
        "channels": channels,
        "error": "",
    }
    _ = ctx._
    try:
        if not form["name"]:
            raise ValueError(_("Give the rule a name."))
        try:
            limit = float(threshold.replace(",", ".")) if threshold.strip() else None
        except ValueError:
            raise ValueError(_("The threshold must be a number, e.g. 0.4.")) from None
        from engagelens.listening.alerts import add_rule

        with ctx.ws.session() as store:
            add_rule(
                store,
                form["name"],
                kind,
                query=query or None,
                threshold=limit,
                keyword=keyword or None,
                channels=[c.strip() for c in channels.split(",") if c.strip()] or ["log"],
            )
    except (EngageLensError, ValueError) as exc:
        form["error"] = str(exc)
        return _respond(ctx, alerts.build(ctx, form), "alerts", status=400)
    ctx.ws.bump()
    return _redirect(ctx.url("alerts", saved=form["name"]), request)


@router.post("/w/{workspace}/alerts/rules/remove")
def alerts_remove(
    workspace: str, request: Request, name: FormRequired, csrf_token: FormText = ""
) -> Response:
    from engagelens.listening.alerts import remove_rule

    ctx = _analyst(request, workspace, csrf_token, "removing alert rules")
    with ctx.ws.session() as store:
        remove_rule(store, name)
    ctx.ws.bump()
    return _redirect(ctx.url("alerts"), request)


@router.post("/w/{workspace}/alerts/run")
def alerts_run(workspace: str, request: Request, csrf_token: FormText = "") -> Response:
    """Check every rule now (``listening.alerts.evaluate``, as ``engagelens alerts run``)."""
    from engagelens.listening.alerts import evaluate

    ctx = _analyst(request, workspace, csrf_token, "running alert rules")
    with ctx.ws.session() as store:
        events = evaluate(store)
    ctx.ws.bump()
    fired = sum(e["status"] != "suppressed" for e in events)
    return _redirect(ctx.url("alerts", ran=str(fired)), request)


@router.get(STATIC_PREFIX + "/plotly.min.js")
def plotly_js() -> Response:
    """Plotly's JavaScript from the installed plotly package: the dashboard needs no CDN."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return FileResponse(
        path, media_type="text/javascript", headers={"cache-control": "public, max-age=86400"}
    )


def install(app: FastAPI) -> None:
    """Serve the static files, answer errors on dashboard URLs with HTML pages, and count
    failed log-ins (``app.state.web_login_throttle``; tests may swap in one with their own
    clock)."""
    from fastapi.staticfiles import StaticFiles

    app.mount(STATIC_PREFIX, StaticFiles(directory=STATIC_DIR), name="dashboard-static")
    app.state.web_login_throttle = LoginThrottle.from_settings(app.state.engagelens.settings)
    errors.install(app)


__all__ = ["LABELS", "NAV", "PAGES", "STATIC_DIR", "THROTTLED", "install", "router"]
