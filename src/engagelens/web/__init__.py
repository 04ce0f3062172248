"""The dashboard: server-rendered pages over the same library calls as the REST API.

``create_app`` (``engagelens.api``) includes :data:`routes.router` and calls
:func:`routes.install`. Pages are Jinja2 templates (autoescaped) with Plotly charts drawn by
static JavaScript from JSON blocks, so the Content-Security-Policy can forbid inline scripts.
Languages: English, Vietnamese, Persian (right to left) and Chinese (:mod:`.i18n`; rebuild the
catalogs with ``python -m engagelens.web.i18n``). See docs/dashboard.md.
"""

from .exports import FORMULA_START, neutralise, to_csv, to_xlsx

__all__ = ["FORMULA_START", "neutralise", "to_csv", "to_xlsx"]
