"""One settings registry: every tunable is declared here once, with its unit in its name.

Precedence is defaults < settings file (``engagelens.yaml`` or ``--config``) < environment
(``ENGAGELENS_<NAME>``) < explicit overrides (CLI options, API). The docs and ``engagelens
settings`` read the same :data:`SETTINGS` tuple.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    type: type
    help: str

    @property
    def env(self) -> str:
        return "ENGAGELENS_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "db",
        "engagelens.duckdb",
        str,
        "Store location: a DuckDB file path or an Ibis URL (duckdb://, pyspark://).",
    ),
    Setting("backend", "duckdb", str, "Compute backend for metrics: duckdb or spark."),
    Setting(
        "duckdb_memory_limit",
        "",
        str,
        "DuckDB only: memory cap such as '6GB'; empty or 'auto': a quarter of the machine's "
        "(or container's) memory; 'default': DuckDB's own 80%. Above it DuckDB spills to "
        "disk instead of growing, e.g. for 100M-row reports.",
    ),
    Setting(
        "spark_warehouse_dir",
        "",
        str,
        "Local Spark only: folder for the warehouse and Derby files (empty: a new folder "
        "under the system temp dir per process, since the local catalog lives in memory).",
    ),
    Setting(
        "spark_master",
        "local[2]",
        str,
        "Spark only: master of the session EngageLens starts when none is active: local[N], "
        "spark://host:7077, yarn or k8s://https://api-server:6443 (docs/spark.md).",
    ),
    Setting(
        "spark_partitions",
        4,
        int,
        "Spark only: spark.sql.shuffle.partitions of that session (small data: few).",
    ),
    Setting("spark_driver_memory", "2g", str, "Spark only: spark.driver.memory of that session."),
    Setting(
        "metric_plugins",
        "",
        str,
        "Comma-separated modules imported as metric plugins, besides the "
        "engagelens.metrics entry points (docs/metrics.md).",
    ),
    Setting(
        "ingest_chunk_rows",
        1_000_000,
        int,
        "Rows per streamed chunk when a file is read in Python (JSON, UTF-16).",
    ),
    Setting(
        "max_field_bytes",
        1_048_576,
        int,
        "A single text field longer than this is quarantined instead of stored.",
    ),
    Setting(
        "on_conflict",
        "first",
        str,
        "Rows of one file sharing a key with different values: first, last or quarantine.",
    ),
    Setting("timezone", "UTC", str, "Time zone for day/week/month grains and business hours."),
    Setting(
        "privacy_key_file",
        "",
        str,
        "Key of the author pseudonyms (HMAC-SHA256), created 0600 when missing; empty: "
        "<db>.privacy-key beside the DuckDB file (docs/privacy.md).",
    ),
    Setting(
        "pseudonymise_authors",
        False,
        bool,
        "Replace author and customer ids of every ingested batch by keyed pseudonyms before "
        "it commits (docs/privacy.md).",
    ),
    Setting("reply_target_minutes", 60, int, "Reply-time goal (SLA) used by the inbox and goals."),
    Setting("reply_rate_goal", 0.05, float, "Share of inbound comments the brand aims to answer."),
    Setting("business_hours", "09:00-17:00", str, "Business hours for reply-time variants."),
    Setting("business_days", "mon,tue,wed,thu,fri", str, "Business days for reply-time variants."),
    Setting("baseline_posts", 10, int, "How many neighbouring posts make a post's baseline."),
    Setting("text_backend", "linear", str, "Default text-analysis backend."),
    Setting(
        "transformers_model",
        "",
        str,
        "Model name or local path for the transformers sentiment backend.",
    ),
    Setting("spike_k_sigma", 3.0, float, "A spike is mean + k·σ above the trailing baseline."),
    Setting("spike_window_days", 28, int, "Trailing window for spike baselines."),
    Setting("alert_cooldown_minutes", 60, int, "The same alert does not fire again within this."),
    Setting("api_max_upload_bytes", 200 * 1024 * 1024, int, "Largest file the API accepts."),
    Setting("api_rate_limit_per_minute", 600, int, "Requests per token per minute."),
    Setting(
        "store_lock_wait_s",
        120.0,
        float,
        "How long a command waits for a store another process (e.g. `serve`) holds.",
    ),
    Setting(
        "api_unauthenticated_body_bytes",
        64 * 1024,
        int,
        "Largest body a request without valid credentials may send (log-in forms).",
    ),
    Setting(
        "cookie_secure",
        "auto",
        str,
        "Session cookie Secure flag: auto (when the request is HTTPS), always or never.",
    ),
    Setting(
        "hsts_max_age_s",
        31_536_000,
        int,
        "Strict-Transport-Security max-age sent on HTTPS responses (0 turns HSTS off).",
    ),
    Setting(
        "upload_retention_days",
        30,
        int,
        "Days an uploaded file is kept under data_dir/uploads after its ingest (0: delete "
        "right after ingest; -1: keep for ever).",
    ),
    Setting(
        "collect_max_pending",
        10_000,
        int,
        "Collector: requests waiting in the spool before new ones get 429 (back-pressure).",
    ),
    Setting(
        "collect_webhook_secret",
        "",
        str,
        "Collector: HMAC-SHA256 key of signed webhook deliveries (empty: webhooks off).",
    ),
    Setting(
        "collect_replay_window_s",
        300.0,
        float,
        "Collector: a webhook signature older or newer than this is refused (replays).",
    ),
    Setting(
        "token_expiry_days",
        90.0,
        float,
        "Lifetime of a token made by `engagelens token create` (0: never expires).",
    ),
    Setting(
        "session_max_age_s",
        12 * 3600,
        int,
        "Dashboard: a session cookie expires this long after log-in.",
    ),
    Setting(
        "data_dir",
        "engagelens-data",
        str,
        "Server mode: folder holding one DuckDB file per workspace plus the control DB.",
    ),
    Setting("secret_key", "", str, "Signs session cookies; generated per data_dir if empty."),
    Setting(
        "login_max_failures",
        5,
        int,
        "Dashboard: failed log-ins per user name within login_window_seconds before the "
        "login answers 429 (0 turns it off).",
    ),
    Setting(
        "login_max_failures_per_ip",
        20,
        int,
        "Dashboard: failed log-ins (password or token) per client IP within "
        "login_window_seconds before the login answers 429 (0 turns it off).",
    ),
    Setting(
        "login_window_seconds",
        900,
        int,
        "Dashboard: the sliding window in which failed log-ins are counted.",
    ),
    Setting(
        "chromium_path",
        "",
        str,
        "PDF reports: the Chromium (or Chrome) executable that prints them; empty: the first "
        "of chromium, chromium-browser, google-chrome on PATH (Debian: apt install chromium).",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any) -> Any:
    try:
        if setting.type is bool and isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes", "on"}
        return setting.type(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"setting {setting.name}: cannot read {value!r} as {setting.type.__name__}"
        ) from exc


def load(config_file: str | os.PathLike[str] | None = None, **overrides: Any) -> dict[str, Any]:
    """Resolve every setting with the documented precedence."""
    values = {s.name: s.default for s in SETTINGS}
    path = Path(config_file) if config_file else Path("engagelens.yaml")
    if path.exists():
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: settings file must be a mapping")
        for key, value in data.items():
            if key not in _BY_NAME:
                raise ConfigError(f"{path}: unknown setting {key!r}")
            values[key] = _coerce(_BY_NAME[key], value)
    elif config_file:
        raise ConfigError(f"settings file not found: {path}")
    for s in SETTINGS:
        if s.env in os.environ:
            values[s.name] = _coerce(s, os.environ[s.env])
    for key, value in overrides.items():
        if value is None:
            continue
        if key not in _BY_NAME:
            raise ConfigError(f"unknown setting {key!r}")
        values[key] = _coerce(_BY_NAME[key], value)
    return values


def get(name: str, **overrides: Any) -> Any:
    if name not in _BY_NAME:
        raise ConfigError(f"unknown setting {name!r}")
    return load(**overrides)[name]


def markdown() -> str:
    """docs/settings.md: every setting with its variable, default and meaning (``make docs``
    writes it; a test checks the checked-in page is this text, so the docs cannot drift)."""
    lines = [
        "# Settings",
        "",
        "<!-- generated from engagelens/settings.py by `make docs`; do not edit -->",
        "",
        "Precedence: defaults < settings file (`engagelens.yaml` or `--config`) < environment "
        "variable < command-line option or API parameter. `engagelens settings` prints the "
        "values in effect.",
        "",
        "| Setting | Environment variable | Default | Meaning |",
        "|---|---|---|---|",
    ]
    for s in SETTINGS:
        default = "" if s.default == "" else f"`{s.default}`"
        meaning = s.help.replace("|", "\\|")
        lines.append(f"| `{s.name}` | `{s.env}` | {default} | {meaning} |")
    return "\n".join(lines) + "\n"


__all__ = ["SETTINGS", "Setting", "get", "load", "markdown"]
