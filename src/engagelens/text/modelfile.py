"""Read, write and compare the shipped weights file (.npz).

``numpy.savez`` stamps the current time into the zip entries, so two identical trainings give
different files. We write the zip ourselves with a fixed timestamp and sorted entry names, so
the SHA-256 of the file identifies the weights *on one machine*. Floating-point training is not
bit-identical across processors (SIMD kernels sum in different orders), so the portable promise
is :func:`compare`: a rebuild has the same structure and its weights agree within a stated
tolerance; the test suite checks that plus the predictions on the held-out splits.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_EPOCH = (1980, 1, 1, 0, 0, 0)


def write(path: str | Path, arrays: Mapping[str, np.ndarray]) -> str:
    """Write ``arrays`` as a deterministic .npz; return the file's SHA-256 hex digest."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(name + ".npy", date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = io.BytesIO()
            np.lib.format.write_array(data, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            zf.writestr(info, data.getvalue(), compresslevel=9)
    blob = buf.getvalue()
    Path(path).write_bytes(blob)
    return hashlib.sha256(blob).hexdigest()


def read(path: str | Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True)
class ModelDiff:
    """How far two weight files are apart: structure first, then the largest weight gap."""

    missing: tuple[str, ...]  # arrays in one file only
    different: tuple[str, ...]  # non-float arrays (classes, specs, version) that differ
    max_abs: float  # largest |a - b| over every float weight, heads densified by ``.idx``

    def within(self, atol: float) -> bool:
        return not self.missing and not self.different and self.max_abs <= atol


def _dense(arrays: Mapping[str, np.ndarray], head: str, rows: int) -> np.ndarray:
    coef = arrays[f"{head}.coef"].astype(np.float64)
    dense = np.zeros((rows, coef.shape[1]))
    dense[arrays[f"{head}.idx"]] = coef
    return dense


def compare(a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray]) -> ModelDiff:
    """Compare two models' arrays. A weight that rounds to zero in one build and not in the
    other changes ``.idx``, so heads are compared as dense matrices, not index lists."""
    missing = tuple(sorted(set(a) ^ set(b)))
    heads = sorted(k[: -len(".coef")] for k in set(a) & set(b) if k.endswith(".coef"))
    skip = {f"{h}.{part}" for h in heads for part in ("coef", "idx")}
    different, gap = [], 0.0
    for name in sorted(set(a) & set(b) - skip):
        x, y = a[name], b[name]
        if np.issubdtype(x.dtype, np.floating) and np.issubdtype(y.dtype, np.floating):
            if x.shape != y.shape:
                different.append(name)
            elif x.size:
                gap = max(gap, float(np.max(np.abs(x.astype(np.float64) - y))))
        elif x.shape != y.shape or not np.array_equal(x, y):
            different.append(name)
    for head in heads:
        rows = 1 + int(max(a[f"{head}.idx"].max(initial=-1), b[f"{head}.idx"].max(initial=-1)))
        da, db = _dense(a, head, rows), _dense(b, head, rows)
        if da.shape != db.shape:
            different.append(f"{head}.coef")
        elif da.size:
            gap = max(gap, float(np.max(np.abs(da - db))))
    return ModelDiff(missing, tuple(different), gap)


__all__ = sorted(["ModelDiff", "compare", "read", "sha256", "write"])
