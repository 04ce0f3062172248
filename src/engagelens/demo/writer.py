"""Arrow columns built from numpy in bulk, and Parquet files rolled every ``chunk_rows`` rows.

Why build id strings from digit matrices: formatting a million ids with Python f-strings takes
about a second; writing digits into a uint8 matrix and handing Arrow the buffers takes
milliseconds, which is what makes ~1M rows/s possible.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from engagelens.model import table_spec

_ARROW = {
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "boolean": pa.bool_(),
    "timestamp": pa.timestamp("us"),
    "date": pa.date32(),
}
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)

Progress = Callable[[str, int, int], None]
#: columns whose values are (nearly) all distinct: a dictionary page would only be built to be
#: thrown away, which cost a fifth of the interaction table's write time
UNIQUE_COLUMNS: dict[str, tuple[str, ...]] = {
    "interaction": ("interaction_id", "parent_id"),
    "mention": ("mention_id", "url"),
    "web_session": ("session_id",),
    "conversion": ("conversion_id", "session_id"),
    "email_event": ("event_id",),
    "survey_response": ("response_id",),
}


def schema(table: str) -> pa.Schema:
    """The Arrow schema of a canonical table, without ``batch_id`` (ingestion adds it)."""
    return pa.schema(
        [(c.name, _ARROW[c.dtype]) for c in table_spec(table).columns if c.name != "batch_id"]
    )


def _table(fmt: str, n: int, size: int) -> np.ndarray:
    return np.frombuffer("".join(format(v, fmt) for v in range(n)).encode(), np.uint8).reshape(
        n, size
    )


#: ASCII of 0000..9999 packed little-endian in uint32, and of 000..fff (3 hex digits)
_DIGITS4 = _table("04d", 10_000, 4).copy().view("<u4").ravel()
_HEX3 = _table("03x", 4096, 3)


def _digits(n: np.ndarray, width: int) -> np.ndarray:
    """(rows, width) ASCII digits of ``n`` (zero-padded; higher digits are dropped).

    Four digits at a time from a lookup table, written as whole uint32 words: about five times
    faster than one ``% 10`` pass per digit over a strided matrix."""
    words = -(-width // 4)
    packed = np.empty((len(n), words), dtype="<u4")
    rest = n.astype(np.int64)  # a fresh copy: divided in place below
    for w in range(words - 1, -1, -1):
        packed[:, w] = _DIGITS4[rest % 10_000]
        rest //= 10_000
    return packed.view(np.uint8)[:, 4 * words - width :]


def ids(
    prefix: str,
    numbers: np.ndarray,
    width: int,
    hex_tail: np.ndarray | None = None,
    valid: np.ndarray | None = None,
) -> pa.Array:
    """``prefix`` + zero-padded ``numbers`` (+ 3 hex digits of ``hex_tail``) as a string array.

    With ``valid``, the result has ``len(valid)`` rows, null where ``valid`` is False, and
    ``numbers`` / ``hex_tail`` hold only the valid rows (so nothing is computed for nulls)."""
    n = np.asarray(numbers, dtype=np.int64)
    pre = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    tail = 3 if hex_tail is not None else 0
    size = len(pre) + width + tail
    mat = np.empty((len(n), size), dtype=np.uint8)
    mat[:, : len(pre)] = pre
    mat[:, len(pre) : len(pre) + width] = _digits(n, width)
    if hex_tail is not None:
        mat[:, size - 3 :] = _HEX3[
            (np.asarray(hex_tail, dtype=np.uint64) & np.uint64(0xFFF)).astype(np.intp)
        ]
    rows = len(n) if valid is None else len(valid)
    wide = rows * size >= 2**31
    if valid is None:
        offsets = np.arange(0, (rows + 1) * size, size, dtype=np.int64 if wide else np.int32)
        bitmap = None
    else:
        valid = np.asarray(valid, dtype=bool)
        if int(valid.sum()) != len(n):
            raise ValueError("with valid=, numbers must hold exactly the valid rows")
        offsets = np.zeros(rows + 1, dtype=np.int64 if wide else np.int32)
        np.cumsum(valid * size, out=offsets[1:])
        bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    typ = pa.large_string() if wide else pa.string()
    arr = pa.Array.from_buffers(typ, rows, [bitmap, pa.py_buffer(offsets), pa.py_buffer(mat)])
    return arr if not wide else arr.cast(pa.string())


def timestamps(start_us: int, seconds: np.ndarray) -> pa.Array:
    """Naive UTC timestamps ``start + seconds`` (microsecond precision)."""
    us = start_us + np.round(np.asarray(seconds) * 1e6).astype(np.int64)
    return pa.array(us, pa.timestamp("us"))


def take(
    values: pa.Array | list, index: np.ndarray, valid: np.ndarray | None = None
) -> pa.DictionaryArray:
    """``values[index]``, null where ``valid`` is False, as a dictionary array.

    Why a dictionary: the Parquet writer then writes the indices as they are, instead of
    copying every string and hashing it again to rebuild the same small dictionary. The files
    are written without the Arrow schema, so readers see plain strings."""
    arr = values if isinstance(values, pa.Array) else pa.array(values, pa.string())
    index = np.asarray(index, dtype=np.int32)
    unique = arr.dictionary_encode()  # banks repeat texts ("ok" in two languages): a
    if len(unique.dictionary) < len(arr):  # dictionary with repeats made the bytes vary
        index = np.asarray(unique.indices, dtype=np.int32)[index]
        arr = unique.dictionary
    mask = None if valid is None else ~np.asarray(valid, dtype=bool)
    return pa.DictionaryArray.from_arrays(pa.array(index, pa.int32(), mask=mask), arr)


def plain_take(values: pa.Array, index: np.ndarray) -> pa.Array:
    """``values[index]`` as plain strings (for compute functions that need them)."""
    return values.take(pa.array(np.asarray(index, dtype=np.int64)))


def masked(values: np.ndarray, valid: np.ndarray, typ: pa.DataType) -> pa.Array:
    return pa.array(values, typ, mask=~np.asarray(valid, dtype=bool))


def parquet_options(table: str, arrow_schema: pa.Schema) -> dict[str, list[str]]:
    """Which columns get a dictionary page and min/max statistics.

    Dictionary encoding is tried on every column by default and abandoned once the dictionary
    passes 1 MB, so unique ids and timestamps were hashed for nothing. String statistics are
    left out: ingestion reads the files whole, and min/max of texts or random ids prune nothing
    (together about a fifth of the writing time of the interaction table)."""
    unique = set(UNIQUE_COLUMNS.get(table, ()))
    return {
        "use_dictionary": [
            f.name
            for f in arrow_schema
            if f.name not in unique and not pa.types.is_timestamp(f.type)
        ],
        "write_statistics": [f.name for f in arrow_schema if f.type != pa.string()],
    }


class RollingWriter:
    """Writes ``<table>-0001.parquet``, ``-0002``, … with exactly ``chunk_rows`` rows per file
    (the last one shorter). Files left over from an earlier run with more files are removed."""

    def __init__(
        self,
        out_dir: Path,
        table: str,
        chunk_rows: int,
        progress: Progress | None = None,
        total: int = 0,
    ) -> None:
        self.dir, self.table, self.chunk_rows = Path(out_dir), table, int(chunk_rows)
        self.schema = schema(table)
        self.paths: list[Path] = []
        self._writer: pq.ParquetWriter | None = None
        self._in_file = 0
        self.rows = 0
        self._progress, self._total = progress, total
        self._options = parquet_options(table, self.schema)
        for old in self.dir.glob(f"{table}-[0-9][0-9][0-9][0-9].parquet"):
            old.unlink()

    def _open(self, arrow_schema: pa.Schema) -> pq.ParquetWriter:
        path = self.dir / f"{self.table}-{len(self.paths) + 1:04d}.parquet"
        self.paths.append(path)
        self._in_file = 0
        return pq.ParquetWriter(
            path, arrow_schema, compression="snappy", store_schema=False, **self._options
        )

    def _table(self, columns: dict[str, pa.Array]) -> pa.Table:
        """The block as a table of the declared schema, except that string columns may be
        dictionary arrays of strings (see :func:`take`). A declared column the generator does
        not produce (a counter only some platform exports carry) is null; a column it
        produces that is not declared is an error."""
        extra = set(columns) - set(self.schema.names)
        if extra:
            raise TypeError(f"{self.table}: undeclared columns {sorted(extra)}")
        rows = len(next(iter(columns.values()))) if columns else 0
        arrays, fields = [], []
        for f in self.schema:
            a = columns[f.name] if f.name in columns else pa.nulls(rows, f.type)
            plain = a.type.value_type if pa.types.is_dictionary(a.type) else a.type
            if plain != f.type:
                raise TypeError(f"{self.table}.{f.name}: {a.type}, expected {f.type}")
            arrays.append(a)
            fields.append(pa.field(f.name, a.type))
        return pa.Table.from_arrays(arrays, schema=pa.schema(fields))

    def write(self, columns: dict[str, pa.Array]) -> None:
        t = self._table(columns)
        offset = 0
        while offset < t.num_rows:
            if self._writer is None:
                self._writer = self._open(t.schema)
            room = self.chunk_rows - self._in_file
            part = t.slice(offset, room)
            self._writer.write_table(part, row_group_size=1 << 20)
            self._in_file += part.num_rows
            offset += part.num_rows
            if self._in_file >= self.chunk_rows:
                self._writer.close()
                self._writer = None
        self.rows += t.num_rows
        if self._progress is not None:
            self._progress(self.table, self.rows, max(self._total, self.rows))

    def close(self) -> list[Path]:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if not self.paths:  # an empty table is still one valid file with the right columns
            self._writer = self._open(self.schema)
            self._writer.close()
            self._writer = None
        return self.paths


__all__ = sorted(
    [
        "Progress",
        "RollingWriter",
        "UNIQUE_COLUMNS",
        "ids",
        "masked",
        "parquet_options",
        "plain_take",
        "schema",
        "take",
        "timestamps",
    ]
)
