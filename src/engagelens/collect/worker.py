"""Ingest the spool in micro-batches, through exactly the path files take.

A micro-batch is every waiting request of one workspace and entity (up to ``max_files``),
written as one JSON Lines file plus a ``.members`` manifest naming its requests, then given to
:func:`engagelens.ingest.ingest_file` on the workspace's writer connection. Only after the
commit are the requests deleted. After a crash, a manifest left behind is ingested again: the
file's content hash and the rows' keys make that store nothing twice, and its requests are
then deleted; requests not in any manifest form new batches.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from pathlib import Path
from typing import Any

from engagelens.errors import EngageLensError, StoreBusy

from .spool import Spool

log = logging.getLogger("engagelens.collect")


class Worker:
    """The background thread of one server (``serve`` or ``collect``)."""

    def __init__(
        self, spool: Spool, workspaces: Any, *, max_files: int = 500, linger_s: float = 0.05
    ) -> None:
        self.spool = spool
        self.workspaces = workspaces
        self.max_files = max_files
        self.linger_s = linger_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: batches committed by this worker (tests and benchmarks read it)
        self.batches = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="collector", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.spool.wakeup.set()
        if self._thread is not None:
            self._thread.join(30)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.spool.wakeup.wait(1.0)
            self.spool.wakeup.clear()
            if self._stop.is_set():
                return
            self._stop.wait(self.linger_s)  # let a burst of requests join one batch
            try:
                while self.drain_all():
                    pass
            except Exception:  # keep collecting; the spool keeps the data
                log.exception("collector batch failed; will retry")
                self._stop.wait(1.0)

    def drain_all(self) -> int:
        """Ingest what is waiting now; the number of batches committed."""
        done = 0
        for ws in self.spool.workspaces():
            try:
                done += self.drain(ws)
            except StoreBusy:  # a CLI command has the file: the spool waits for it
                self._stop.wait(0.5)
        return done

    def drain(self, workspace: str) -> int:
        batches = self.spool.root / workspace / "batches"
        done = 0
        for manifest in sorted(batches.glob("*.members")) if batches.is_dir() else []:
            done += self._ingest(workspace, manifest)  # left over from a crash
        files = self.spool.pending(workspace)[: self.max_files]
        by_entity: dict[str, list[Path]] = {}
        for f in files:
            by_entity.setdefault(f.name.split(".")[1], []).append(f)
        for entity, members in by_entity.items():
            done += self._ingest(workspace, self._write_batch(batches, entity, members))
        return done

    @staticmethod
    def _write_batch(folder: Path, entity: str, members: list[Path]) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{members[0].name.split('.')[0]}-{len(members)}.{entity}"
        data = folder / f"{stem}.jsonl"
        with data.open("w", encoding="utf-8") as out:
            for m in members:
                for record in json.loads(m.read_bytes()):
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
        manifest = folder / f"{stem}.members"
        tmp = manifest.with_suffix(".tmp")
        tmp.write_text("\n".join(m.name for m in members), encoding="utf-8")
        os.replace(tmp, manifest)  # the manifest's existence means "batch file complete"
        return manifest

    def _ingest(self, workspace: str, manifest: Path) -> int:
        from engagelens.ingest import ingest_file

        entity = manifest.name.split(".")[1]
        data = manifest.with_suffix(".jsonl")
        members = [self.spool.root / workspace / n for n in manifest.read_text().split("\n") if n]
        ws = self.workspaces.get(workspace)
        try:
            with ws.writer() as store:
                summary = ingest_file(store, data, source="canonical", entity=entity)
        except StoreBusy:
            raise
        except EngageLensError as exc:  # the whole batch refused: keep it, never lose it
            failed = self.spool.root / workspace / "failed"
            failed.mkdir(exist_ok=True)
            shutil.move(str(data), failed / data.name)
            (failed / f"{data.stem}.error").write_text(f"{exc.code}: {exc.message}\n")
            log.error("collector batch %s refused: %s", data.name, exc.message)
        else:
            log.info("collector batch %s: %s stored", data.name, summary.rows_stored)
        ws.refresh_version()
        self.spool.done(members)
        data.unlink(missing_ok=True)
        manifest.unlink(missing_ok=True)
        self.batches += 1
        return 1


__all__ = ["Worker"]
