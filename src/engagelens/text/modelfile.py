"""Read and write the shipped weights file (.npz) byte-for-byte reproducibly.

``numpy.savez`` stamps the current time into the zip entries, so two identical trainings give
different files. We write the zip ourselves with a fixed timestamp and sorted entry names, so
the SHA-256 of the file identifies the weights and a rebuild can be checked bit for bit.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Mapping
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


__all__ = sorted(["read", "sha256", "write"])
