"""Reports a person reads away from the dashboard: the headline figures of a scope and a
period, with the previous period, as HTML or PDF, and on a schedule.

Why a layer of its own: ``engagelens report`` printed a table only; marketers forward a PDF
every Monday. The figures come from :func:`engagelens.metrics.report.figures` — the same
computation as the CLI table and the demo report — so no second path can disagree.
"""

from .document import Report, ReportLine, build_report

# html (Jinja2, the ``web`` extra) and pdf (Playwright + Chromium) are imported where used.
__all__ = ["Report", "ReportLine", "build_report"]
