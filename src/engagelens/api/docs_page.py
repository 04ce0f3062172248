"""``/docs``: the API reference rendered on the server from the OpenAPI document.

Why not Swagger UI: FastAPI's page loads its JavaScript from a CDN, which breaks offline
installs and our ``script-src 'self'`` policy. This page needs no script at all; the full
machine-readable spec stays at ``/openapi.json``. Every value is HTML-escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

_STYLE = (
    "body{font:15px/1.45 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em}"
    "code{background:#f4f4f4;padding:0 .25em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}"
    ".op{margin:.9em 0}.m{display:inline-block;min-width:4.2em;font-weight:600}"
    "td,th{padding:.15em .6em;text-align:left;vertical-align:top}"
)


def _params(op: dict[str, Any]) -> str:
    rows = []
    for p in op.get("parameters", []):
        schema = p.get("schema", {})
        kind = schema.get("type") or " | ".join(
            str(s.get("type", s.get("$ref", "")).split("/")[-1]) for s in schema.get("anyOf", [])
        )
        rows.append(
            f"<tr><td><code>{escape(str(p.get('name')))}</code></td>"
            f"<td>{escape(str(p.get('in')))}</td><td>{escape(str(kind))}</td>"
            f"<td>{'required' if p.get('required') else ''}</td>"
            f"<td>{escape(str(p.get('description') or ''))}</td></tr>"
        )
    if "requestBody" in op:
        types = ", ".join(op["requestBody"].get("content", {}))
        rows.append(f"<tr><td><em>body</em></td><td colspan=4>{escape(types)}</td></tr>")
    return f"<table>{''.join(rows)}</table>" if rows else ""


def render(spec: dict[str, Any]) -> str:
    info = spec.get("info", {})
    groups: dict[str, list[str]] = {}
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            tag = (op.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append(
                f"<div class=op><span class=m>{escape(method.upper())}</span>"
                f"<code>{escape(path)}</code> — {escape(op.get('summary', ''))}{_params(op)}</div>"
            )
    body = "".join(f"<h2>{escape(tag)}</h2>{''.join(ops)}" for tag, ops in groups.items())
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(info.get('title', 'API'))} reference</title>"
        f"<style>{_STYLE}</style></head><body><h1>{escape(info.get('title', 'API'))} "
        f"{escape(str(info.get('version', '')))}</h1><p>{escape(info.get('description', ''))}"
        '</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Send '
        "<code>Authorization: Bearer &lt;token&gt;</code>; errors are "
        '<code>{"error": {"code", "message"}}</code>.</p>'
        f"{body}</body></html>"
    )


__all__ = ["render"]
