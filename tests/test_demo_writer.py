"""The demo's Parquet writer: id strings built from digit matrices, dictionary columns that read
back as plain strings, and files of exactly ``chunk_rows`` rows that replace an earlier run's."""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engagelens.demo.writer import RollingWriter, ids, schema, take, timestamps


@given(
    numbers=st.lists(st.integers(0, 10**10 - 1), min_size=0, max_size=40),
    width=st.integers(1, 10),
    prefix=st.sampled_from(["i", "u", "@fan", ""]),
    hex_tail=st.booleans(),
    seed=st.integers(0, 2**63),
)
@settings(max_examples=150, deadline=None)
def test_ids_match_python_formatting(numbers, width, prefix, hex_tail, seed):
    n = np.array(numbers, dtype=np.int64)
    tails = (
        (np.arange(len(n), dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(seed))
        if hex_tail
        else None
    )
    got = ids(prefix, n, width, tails).to_pylist()
    want = [
        prefix + f"{v:0{width}d}"[-width:] + (f"{int(tails[k]) & 0xFFF:03x}" if hex_tail else "")
        for k, v in enumerate(numbers)
    ]
    assert got == want


def test_ids_with_valid_rows_only_compute_the_valid_ones():
    valid = np.array([True, False, False, True, False])
    arr = ids(
        "i", np.array([12, 3456789]), 7, np.array([0xABC, 0x123], dtype=np.uint64), valid=valid
    )
    assert arr.to_pylist() == ["i0000012abc", None, None, "i3456789123", None]
    assert arr.type == pa.string()
    with pytest.raises(ValueError):
        ids("i", np.array([1, 2, 3]), 7, valid=valid)


def test_take_reads_back_as_plain_strings_even_with_repeated_values(tmp_path):
    bank = pa.array(["ok", "nice", "ok", "😍", "ok"])  # texts repeat across languages
    index = np.array([0, 2, 4, 1, 3, 2, 0])
    col = take(bank, index, valid=np.array([1, 1, 1, 1, 0, 1, 1], bool))
    assert col.to_pylist() == ["ok", "ok", "ok", "nice", None, "ok", "ok"]
    digests = set()
    for k in range(3):
        (tmp_path / str(k)).mkdir()
        w = RollingWriter(tmp_path / str(k), "survey_response", 10)
        w.write(_survey_rows(7, comment=col))
        (path,) = w.close()
        digests.add(hashlib.sha256(path.read_bytes()).hexdigest())
        back = pq.read_table(path)
        assert back.schema.field("comment").type == pa.string()
        assert back.column("comment").to_pylist() == col.to_pylist()
    assert len(digests) == 1


def _survey_rows(n: int, start: int = 0, comment: pa.Array | None = None) -> dict[str, pa.Array]:
    i = np.arange(start, start + n)
    return {
        "response_id": ids("s", i + 1, 7),
        "survey": take(["nps"], np.zeros(n, int)),
        "respondent_id": ids("c", i % 3, 7),
        "answered_at": timestamps(1_767_225_600_000_000, i * 60.0),
        "score": pa.array(i % 11, pa.int64()),
        "comment": comment if comment is not None else take(["fine"], np.zeros(n, int)),
    }


@pytest.mark.parametrize(
    ("blocks", "chunk", "expected"),
    [
        ([700, 700, 1500, 100], 1000, [1000, 1000, 1000]),
        ([2500], 1000, [1000, 1000, 500]),
        ([10, 20, 30], 1000, [60]),
        ([999, 1, 1], 1000, [1000, 1]),
    ],
)
def test_files_hold_exactly_chunk_rows_rows_in_order(tmp_path, blocks, chunk, expected):
    w = RollingWriter(tmp_path, "survey_response", chunk)
    start = 0
    for size in blocks:
        w.write(_survey_rows(size, start))
        start += size
    paths = w.close()
    assert [p.name for p in paths] == [
        f"survey_response-{k:04d}.parquet" for k in range(1, len(expected) + 1)
    ]
    assert [pq.read_metadata(p).num_rows for p in paths] == expected
    back = pa.concat_tables([pq.read_table(p) for p in paths])
    assert back.column("response_id").to_pylist() == [f"s{k + 1:07d}" for k in range(start)]
    assert back.schema == schema("survey_response")


def test_old_files_of_the_table_are_removed_and_others_kept(tmp_path):
    for k in range(1, 6):
        (tmp_path / f"survey_response-{k:04d}.parquet").write_bytes(b"stale")
    keep = [
        tmp_path / "notes.txt",
        tmp_path / "survey_response-extra.parquet",
        tmp_path / "interaction-0001.parquet",
    ]
    for p in keep:
        p.write_bytes(b"someone else's")
    w = RollingWriter(tmp_path, "survey_response", 100)
    w.write(_survey_rows(150))
    paths = w.close()
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([p.name for p in keep] + [p.name for p in paths])
    assert len(paths) == 2 and all(pq.read_metadata(p).num_rows > 0 for p in paths)


def test_an_empty_table_is_one_valid_file_with_the_declared_columns(tmp_path):
    paths = RollingWriter(tmp_path, "conversion", 100).close()
    assert len(paths) == 1
    assert pq.read_metadata(paths[0]).num_rows == 0
    assert pq.read_schema(paths[0]) == schema("conversion")


def test_wrong_column_type_is_refused(tmp_path):
    rows = _survey_rows(3)
    rows["score"] = pa.array([1.5, 2.0, 3.0])
    with pytest.raises(TypeError):
        RollingWriter(tmp_path, "survey_response", 10).write(rows)
