"""Ingest one file as one batch: stage → resolve mapping → validate and store in one
transaction → hooks. This is the library behind ``engagelens ingest``.

Why one batch per file: a crash (or ``kill -9``) mid-batch must leave no half batch, and
re-running the same command must complete it (rows commit, then the batch record that makes
them count: ``store/ledger.py``). Natural keys make re-runs idempotent:
rows already stored count as duplicates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engagelens import settings
from engagelens.errors import IngestError, UnknownSource, UnreadableFile
from engagelens.store import bulk
from engagelens.store.checks import suspicious_dates

from . import connectors, formats
from .formats.text import sniff_encoding
from .mapping import ENTITIES, SourceMapping, canonical_mapping, load_mapping, parse_mapping
from .sources import builtin, detect
from .summary import BatchSummary

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

Progress = Callable[[float], None]
_ENTITY_FROM_NAME = re.compile(r"^([a-z_]+?)s?(?:[-_.]?\d+)?$")
INGESTIBLE_SUFFIXES = formats.EXTENSIONS


def entity_from_name(path: str | os.PathLike[str]) -> str | None:
    """``interaction.parquet``, ``interactions.csv``, ``interaction-0001.parquet`` → interaction."""
    stem = Path(path).name.split(".")[0].lower()
    m = _ENTITY_FROM_NAME.match(stem)
    if not m:
        return None
    for candidate in (m.group(1), stem):
        if candidate in ENTITIES:
            return candidate
    return None


def _hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _as_mapping(mapping: Any) -> SourceMapping:
    if isinstance(mapping, SourceMapping):
        return mapping
    if isinstance(mapping, dict):
        return parse_mapping(mapping)
    return load_mapping(mapping)


def _restrict(m: SourceMapping, entity: str | None) -> SourceMapping:
    if entity is None or (len(m.targets) == 1 and m.targets[0].entity == entity):
        return m
    kept = tuple(t for t in m.targets if t.entity == entity)
    if not kept:
        raise IngestError(f"--entity {entity}: {m.name!r} maps to {m.entity}, not {entity}")
    return SourceMapping(
        m.name,
        kept,
        m.rules,
        m.encoding,
        m.delimiter,
        m.detect,
        m.description,
        m.source_columns_used,
    )


def ingest_file(
    store: Store,
    path: str | os.PathLike[str],
    *,
    source: str | None = None,
    mapping: Any = None,
    entity: str | None = None,
    encoding: str | None = None,
    format: str | None = None,
    progress: Progress | None = None,
    on_conflict: str | None = None,
    sheet: str | None = None,
) -> BatchSummary:
    """Ingest one file into the store as one batch and return its counts.

    ``source``: a built-in source (``facebook``, ``instagram``, ``x``, ``youtube``,
    ``tiktok``, ``linkedin``, ``twcs``, ``canonical``); ``mapping``: a YAML mapping file (or a
    parsed :class:`SourceMapping` / dict). With neither, the source is detected from the header,
    else the file is read as canonical if its name is a table (``interaction-0001.parquet``).
    ``entity`` picks the table for canonical files, or one target of a multi-table mapping.
    ``on_conflict`` (default: the ``on_conflict`` setting): which of the rows repeating a key
    with different values is kept — ``first``, ``last`` or none (``quarantine``).
    ``sheet``: for spreadsheets, the sheet to read (default the first; ``"*"`` all of them).
    """
    if sheet is not None and not sheet:
        raise IngestError("--sheet needs a sheet name (or '*' for all sheets)")
    if source and mapping is not None:
        raise IngestError("give either a source or a mapping, not both")
    if not store.is_duckdb:  # a Spark warehouse: validated in an embedded DuckDB, appended
        from .warehouse import ingest_into_warehouse

        return ingest_into_warehouse(
            store,
            path,
            source=source,
            mapping=mapping,
            entity=entity,
            encoding=encoding,
            format=format,
            progress=progress,
        )
    p = Path(path)
    if not p.is_file():
        raise UnreadableFile(f"no such file: {p}")
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    chosen: SourceMapping | None = None
    canonical = source is not None and source.lower() == "canonical"
    connector = connectors.by_name(source) if source and not canonical else None
    if mapping is not None:
        chosen = _as_mapping(mapping)
    elif source and not canonical and connector is None:
        chosen = builtin(source)
    fmt = formats.detect_format(p, format)
    enc = (
        sniff_encoding(p, encoding or (chosen.encoding if chosen else None))
        if fmt not in formats.BINARY_FORMATS
        else "binary"
    )
    opts = settings.load()
    max_field = int(opts["max_field_bytes"])
    try:
        # progress: reading is the first 60 %, validation up to 80 %, storing the rest
        reading = (lambda f: progress(0.6 * f)) if progress else None
        digest = hashlib.sha256()  # fed while scanning the file when possible
        # API-shaped exports (Graph API, Airbyte, dlt): the connector table decides
        smp = connectors.sample(p, fmt, enc) if chosen is None and not canonical else None
        connector = connector or connectors.detect(smp)
        if connector is not None:
            staging, chosen = connectors.stage(
                connector, smp, store, int(opts["ingest_chunk_rows"])
            )
        else:
            staging = formats.stage(
                formats.Request(
                    store=store,
                    path=p,
                    format=fmt,
                    encoding=enc,
                    chunk_rows=int(opts["ingest_chunk_rows"]),
                    max_field_bytes=max_field,
                    delimiter=chosen.delimiter if chosen is not None else None,
                    progress=reading,
                    digest=digest,
                    sheet=sheet,
                )
            )
        staged, line_offset, fmt, hashed = (
            staging.staged,
            staging.line_offset,
            staging.format,
            staging.hashed,
        )
        content_hash = digest.hexdigest() if hashed else _hash(p)
        if not staged.columns:
            raise UnreadableFile(f"{p.name}: no records with fields found (empty file?)")
        if chosen is None:
            chosen = _resolve(p, staged.columns, canonical, entity)
        chosen = _restrict(chosen, entity) if not canonical else chosen
        mtime = dt.datetime.fromtimestamp(p.stat().st_mtime, dt.UTC).replace(tzinfo=None)
        plan = chosen.plan(
            staged.columns,
            max_field_bytes=max_field,
            file_name=p.name,
            line_offset=line_offset,
            file_time=mtime.isoformat(sep=" ", timespec="seconds"),
        )
        policy = on_conflict or str(opts["on_conflict"])
        if policy not in bulk.CONFLICT_POLICIES:
            raise IngestError(
                f"on_conflict must be one of {', '.join(bulk.CONFLICT_POLICIES)}, not {policy!r}"
            )
        plan = dataclasses.replace(plan, extra={**plan.extra, "on_conflict": policy})
        from engagelens.hooks import plugin_manager

        pm = plugin_manager()
        checked = bulk.validate(store, plan, staged)
        dates = suspicious_dates(store, plan, staged)
        lines = _physical_lines(store, staging, checked, dates)
        if progress:
            progress(0.8)
        # rows commit first, the batch record after them (store/ledger.py: kill -9 safe)
        with bulk.batch_transaction(store) as pending:
            batch_id = pending.batch_id
            counts = bulk.store_staged(
                store, plan, staged, checked, batch_id=batch_id, source_file=str(p)
            )
            seconds = time.perf_counter() - started
            summary = BatchSummary(
                batch_id=batch_id,
                file=str(p),
                source=chosen.name,
                entity=plan.entity,
                rows_read=counts.rows_read,
                rows_stored=counts.rows_stored,
                rows_duplicate=counts.rows_duplicate,
                rows_quarantined=counts.rows_quarantined,
                seconds=seconds,
                content_hash=content_hash,
                format=fmt,
                encoding=enc,
                stored_by_table=counts.stored_by_table,
                conflicting_keys=sum(n for n, _ in checked.conflicts),
                on_conflict=policy,
                conflicts=[
                    {
                        "table": target.table,
                        **example,
                        "lines": [lines.get(r, r + line_offset) for r in example["records"]],
                    }
                    for target, (_, examples) in zip(plan.targets, checked.conflicts, strict=True)
                    for example in examples
                ],
                suspicious_dates=[
                    {**d, "lines": [lines.get(r, r + line_offset) for r in d["records"]]}
                    for d in dates
                ],
            )
            pending.record = {
                "file": str(p),
                "content_hash": summary.content_hash,
                "source": chosen.name,
                "entity": plan.entity,
                "status": "done",
                "rows_read": counts.rows_read,
                "rows_stored": counts.rows_stored,
                "rows_duplicate": counts.rows_duplicate,
                "rows_quarantined": counts.rows_quarantined,
                "started_at": started_at,
                "finished_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
                "seconds": seconds,
            }
            pm.hook.engagelens_before_commit(store=store, summary=summary)
    finally:
        bulk.drop_staging(store)
    if progress:
        progress(1.0)
    pm.hook.engagelens_after_ingest(store=store, summary=summary)
    return summary


def _physical_lines(
    store: Store, staging: formats.Staging, checked: Any, dates: list[dict[str, Any]]
) -> dict[int, int]:
    """Physical lines of the records the quarantine, the conflict examples and the suspicious
    dates name, where the format says they differ from record + offset (quoted line breaks,
    blank lines)."""
    if staging.lines is None:
        return {}
    quarantined = checked.bad or staging.staged.rejected
    wanted = bulk.quarantined_records(store, staging.line_offset) if quarantined else set()
    wanted |= {r for _, examples in checked.conflicts for e in examples for r in e["records"]}
    wanted |= {r for d in dates for r in d["records"]}
    lines = staging.lines(wanted) if wanted else {}
    bulk.set_lines(store, lines)
    return lines


def _resolve(p: Path, columns: Iterable[str], canonical: bool, entity: str | None) -> SourceMapping:
    cols = list(columns)
    if not canonical:
        found = detect(cols)
        if found is not None:
            return found
    target = entity or entity_from_name(p)
    if target is None:
        if canonical:
            raise IngestError(
                f"{p.name}: canonical files need --entity TABLE or a file name "
                f"such as interaction.parquet ({', '.join(ENTITIES)})"
            )
        raise UnknownSource(
            f"{p.name}: cannot tell which export this is from its header; "
            "give --source NAME or --mapping FILE (see docs/ingest.md)"
        )
    return canonical_mapping(target, cols)


def ingest_paths(
    store: Store, paths: Iterable[str | os.PathLike[str]], **kw: Any
) -> list[BatchSummary]:
    """Ingest files and directories (their ingestible files, sorted by name), one batch each."""
    return [ingest_file(store, f, **kw) for f in expand_paths(paths)]


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given; directories expand to their ingestible files, recursively, sorted."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in INGESTIBLE_SUFFIXES
            )
            if not found:
                raise UnreadableFile(
                    f"{p}: no CSV, TSV, JSON, JSON Lines, Parquet or spreadsheet files inside"
                )
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise UnreadableFile(f"no such file or directory: {p}")
    return out


__all__ = sorted(
    ["INGESTIBLE_SUFFIXES", "entity_from_name", "expand_paths", "ingest_file", "ingest_paths"]
)
