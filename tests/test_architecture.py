"""The layering rules of docs/ARCHITECTURE.md, enforced: a rule nobody checks is a wish."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import engagelens

PKG = Path(engagelens.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


SOURCES = sorted(PKG.rglob("*.py"))

#: third-party module → the only places (relative to the package) allowed to import it
BOUNDARIES = {
    "duckdb": ("store/",),
    "transformers": ("text/backends/transformers.py",),
    "torch": ("text/backends/transformers.py",),
    "sklearn": ("text/train.py", "text/training/"),
    "playwright": ("reports/pdf.py",),
}


@pytest.mark.parametrize("module,allowed", sorted(BOUNDARIES.items()))
def test_import_boundaries(module, allowed):
    offenders = []
    for path in SOURCES:
        rel = path.relative_to(PKG).as_posix()
        if module in _imports(path) and not rel.startswith(allowed):
            offenders.append(rel)
    assert not offenders, f"{module} may only be imported in {allowed}, found in {offenders}"


def _packages():
    for info in pkgutil.walk_packages(engagelens.__path__, "engagelens."):
        if info.ispkg:
            yield info.name


@pytest.mark.parametrize("name", ["engagelens", *sorted(_packages())])
def test_public_surface_is_sorted_and_real(name):
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    if exported is None:
        pytest.skip(f"{name} exports nothing by design")
    assert list(exported) == sorted(exported), f"{name}.__all__ is not sorted"
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names missing attributes {missing}"
