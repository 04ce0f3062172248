"""Dashboard pages: each module builds one page's tables and charts from library calls
(see :mod:`.base`)."""

from . import content, inbox, listening, overview, post
from .base import Context, Page, View, chart, parse_view

__all__ = [
    "Context",
    "Page",
    "View",
    "chart",
    "content",
    "inbox",
    "listening",
    "overview",
    "parse_view",
    "post",
]
