"""One settings registry: no module reads the environment itself, docs/settings.md lists every
setting (and is exactly what the registry generates), and a setting moved into the registry
(metric_plugins) works from the environment and, newly, from engagelens.yaml."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import engagelens
from engagelens import settings
from engagelens.errors import ConfigError

PKG = Path(engagelens.__file__).parent
DOCS = Path(__file__).parents[1] / "docs" / "settings.md"


def _environment_reads(path: Path) -> list[str]:
    """``os.environ`` / ``os.getenv`` / ``environ`` / ``getenv`` uses in one source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
            found.append(f"{path.name}:{node.lineno}")
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            names = {a.name for a in node.names} & {"environ", "getenv", "environb"}
            found += [f"{path.name}:{node.lineno} imports {n}" for n in sorted(names)]
    return found


def test_only_the_registry_reads_the_environment():
    offenders = [
        hit
        for path in sorted(PKG.rglob("*.py"))
        if path != PKG / "settings.py"
        for hit in _environment_reads(path)
    ]
    assert offenders == []
    assert _environment_reads(PKG / "settings.py")  # the scan does see a real read


def test_docs_list_every_setting():
    page = DOCS.read_text(encoding="utf-8")
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    assert len(rows) == len(settings.SETTINGS)
    for s, row in zip(settings.SETTINGS, rows, strict=True):
        assert row.startswith(f"| `{s.name}` | `{s.env}` |"), row
    for name in ("spark_master", "spark_partitions", "spark_driver_memory", "metric_plugins"):
        assert f"`ENGAGELENS_{name.upper()}`" in page
    # the checked-in page is the generated one: `make docs` after adding a setting
    assert page == settings.markdown()


def test_moved_settings_read_environment_and_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert settings.get("spark_partitions") == 4 and settings.get("spark_master") == "local[2]"
    monkeypatch.setenv("ENGAGELENS_SPARK_PARTITIONS", "16")
    assert settings.get("spark_partitions") == 16
    (tmp_path / "engagelens.yaml").write_text("spark_driver_memory: 6g\n", encoding="utf-8")
    assert settings.get("spark_driver_memory") == "6g"
    monkeypatch.setenv("ENGAGELENS_SPARK_PARTITIONS", "many")
    with pytest.raises(ConfigError, match="spark_partitions"):
        settings.get("spark_partitions")


PLUGIN = """
from engagelens.metrics import Metric, register
from engagelens.metrics.aggregation import total
from engagelens.metrics.facts import CONTENT_GRAINS

register(Metric(name="plugin_likes", title="Plugin likes", description="from a plugin",
                formula="likes", unit="count", grains=CONTENT_GRAINS,
                requires=("content", "interaction"), source="tests/test_settings_registry.py",
                aggregation=total(lambda f, _ctx: f.likes)))
"""


@pytest.mark.parametrize("via", ["environment", "settings file"])
def test_metric_plugins_load_through_the_registry(tmp_path, via):
    (tmp_path / "my_metrics.py").write_text(PLUGIN, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGAGELENS_")}
    src = str(Path(engagelens.__file__).parents[1])
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), src])
    if via == "environment":
        env["ENGAGELENS_METRIC_PLUGINS"] = " my_metrics , "
    else:
        (tmp_path / "engagelens.yaml").write_text("metric_plugins: my_metrics\n", "utf-8")
    code = "from engagelens.metrics import get_metric; print(get_metric('plugin_likes').title)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Plugin likes"
