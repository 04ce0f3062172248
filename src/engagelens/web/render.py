"""Turning pages into HTML: one Jinja2 environment with autoescaping always on, and the
context every template gets (language, direction, CSRF token, the signed-in principal).

Why autoescape everywhere (not only ``.html``): every value a template prints may come from a
comment a stranger wrote. Nothing in the templates is marked ``|safe``; chart data goes into
``<script type="application/json">`` through Jinja's ``tojson``, which escapes ``<``, ``>``,
``&`` and ``'``, so a ``</script>`` inside a comment cannot close the block.
"""

from __future__ import annotations

import functools
import urllib.parse
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from . import i18n, session

STATIC_PREFIX = "/static/dashboard"
PAGE_HEADERS = {"cache-control": "no-store"}
SAFE_SCHEMES = ("http", "https")


@functools.cache
def environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("engagelens.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        static=STATIC_PREFIX,
        locales=i18n.LOCALES,
        native_names=i18n.NATIVE_NAMES,
        safe_url=safe_url,
    )
    return env


def safe_url(url: Any) -> str:
    """``url`` if it is an absolute http(s) link, else "" (no ``javascript:``/``data:``)."""
    if not isinstance(url, str) or len(url) > 2000:
        return ""
    try:
        parts = urllib.parse.urlsplit(url.strip())
    except ValueError:
        return ""
    return url.strip() if parts.scheme.lower() in SAFE_SCHEMES and parts.netloc else ""


def safe_next(target: str | None) -> str:
    """A local path to return to after login (never another site: ``//evil``, ``/\\evil``)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/workspaces"
    if any(ord(ch) < 32 for ch in target) or len(target) > 2000:
        return "/workspaces"
    return target


def current_lang(request: Request) -> i18n.Lang:
    chosen = session.load(request).get("locale")
    if isinstance(chosen, str) and chosen in i18n.LOCALES:
        return i18n.lang(chosen)
    return i18n.lang(i18n.from_accept_language(request.headers.get("accept-language")))


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """The page ``template`` in the request's language, with the session cookie saved."""
    lang = context.pop("lang", None) or current_lang(request)
    principal = getattr(request.state, "principal", None)
    values = {
        "lang": lang,
        "_": lang.gettext,
        "ngettext": lang.ngettext,
        "csrf_token": session.csrf_token(request),
        "principal": principal,
        "request_path": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "ctx": None,
        "page": None,
        "title": "",
        "error": "",
    }
    values.update(context)
    html = environment().get_template(template).render(values)
    response = HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)
    return session.save(request, response)  # type: ignore[return-value]


__all__ = [
    "PAGE_HEADERS",
    "STATIC_PREFIX",
    "current_lang",
    "environment",
    "render",
    "safe_next",
    "safe_url",
]
