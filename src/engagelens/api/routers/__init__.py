"""API routers, one module per resource; :data:`ROUTERS` lists them in OpenAPI order.

``listening`` and ``inbox`` are listed only when their layers are importable, so a checkout
without them simply has no such routes.
"""

from __future__ import annotations

import importlib

from fastapi import APIRouter

#: router modules in the order their routes appear in the OpenAPI document
CORE: tuple[str, ...] = ("system", "workspaces", "ingest", "metrics", "content", "overview")
#: router module -> the layer it needs
OPTIONAL: dict[str, str] = {
    "listening": "engagelens.listening",
    "benchmark": "engagelens.listening",
    "alerts": "engagelens.listening",
    "inbox": "engagelens.engage.inbox",
    "value": "engagelens.value",
    "audience": "engagelens.audience",
    "experiments": "engagelens.experiments",
    "privacy": "engagelens.privacy",
}


def routers() -> list[APIRouter]:
    out = []
    for name in CORE:
        out.append(importlib.import_module(f"{__name__}.{name}").router)
    for name, layer in OPTIONAL.items():
        try:
            importlib.import_module(layer)
        except ModuleNotFoundError as exc:
            if exc.name and layer.startswith(exc.name):
                continue
            raise
        out.append(importlib.import_module(f"{__name__}.{name}").router)
    return out


__all__ = ["CORE", "OPTIONAL", "routers"]
