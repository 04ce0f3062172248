"""``engagelens text …``: sentiment for a file or stdin, and analysis of stored rows.

Thin wrappers over :mod:`engagelens.text`. Input is read as bytes and decoded as UTF-8 with
replacement characters, so a broken byte never stops a batch. Output never echoes the input
text (no formula or markup can leak into a spreadsheet): one row per input row, numbered.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from itertools import chain, islice
from typing import BinaryIO

import typer

from .common import DbOption, open_db

CHUNK_ROWS = 10_000
FORMATS = ("csv", "jsonl")


def _open_binary(path: str) -> BinaryIO:
    from engagelens.errors import UnreadableFile

    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as exc:
        raise UnreadableFile(f"cannot read {path}: {exc.strerror or exc}") from exc


def read_texts(stream: BinaryIO, column: str | None = None) -> Iterator[str]:
    """Plain lines (``\\n`` or ``\\r\\n``; a final newline adds no row) or one CSV column."""
    from engagelens.errors import TextError

    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    if column is None:
        for line in text:
            yield line.rstrip("\r\n") if line.endswith("\n") else line.rstrip("\r")
        return
    reader = csv.reader(text)
    header = next(reader, None)
    if header is None:
        return
    if column not in header:
        raise TextError(f"column {column!r} not in the CSV header {header}")
    idx = header.index(column)
    for row in reader:
        yield row[idx] if idx < len(row) else ""


def _chunks(it: Iterator[str], size: int) -> Iterator[list[str]]:
    while chunk := list(islice(it, size)):
        yield chunk


def _primed(it: Iterator[list[str]]) -> Iterator[list[str]]:
    """Read the first chunk now, so a bad header is an error before the output header is
    written (not a header line followed by an error)."""
    first = next(it, None)
    return iter(()) if first is None else chain([first], it)


def _writer(fmt: str, keys: list[str]):
    out = sys.stdout
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(keys)
        return lambda row: w.writerow([row[k] for k in keys])
    return lambda row: out.write(json.dumps(row, ensure_ascii=False) + "\n")


def register(app: typer.Typer) -> None:
    text_app = typer.Typer(
        help="Multilingual text intelligence: sentiment, language, quality, "
        "intent (offline by default).",
        no_args_is_help=True,
    )

    @text_app.command("sentiment")
    def sentiment(
        file: str = typer.Argument("-", help="Text file (one text per line) or CSV; - = stdin."),
        column: str | None = typer.Option(None, "--column", help="Read this CSV column."),
        backend: str | None = typer.Option(None, "--backend", help="linear, vader, transformers."),
        fmt: str = typer.Option("csv", "--format", help="csv or jsonl."),
        full: bool = typer.Option(False, "--full", help="Add quality and intent columns."),
        binary: bool = typer.Option(
            False,
            "--binary",
            help="Positive/negative only (linear backend): neutral only for empty texts.",
        ),
    ) -> None:
        """One output row per input row, in order: row, label, score, language."""
        from engagelens import settings
        from engagelens.errors import TextError
        from engagelens.text import ANALYSIS_KEYS, analyze, get_backend
        from engagelens.text.pipeline import sentiment_and_language

        if fmt not in FORMATS:
            raise TextError(f"--format must be one of {FORMATS}, not {fmt!r}")
        if binary:
            name = backend or settings.get("text_backend")
            if name != "linear":
                raise TextError(f"--binary needs the linear backend, not {name!r}")
            be = get_backend("linear", binary=True)
        else:
            be = get_backend(backend)
        keys = ["row", "label", "score", "language"]
        if full:
            keys += [
                k for k in ANALYSIS_KEYS if k not in {"language", "sentiment", "sentiment_score"}
            ]
        stream = _open_binary(file)
        row_no = 0
        try:
            chunks = _primed(_chunks(read_texts(stream, column), CHUNK_ROWS))
            write = _writer(fmt, keys)
            for chunk in chunks:
                if full:
                    for a in analyze(chunk, be):
                        row_no += 1
                        write(
                            {
                                "row": row_no,
                                "label": a["sentiment"],
                                "score": a["sentiment_score"],
                                **a,
                            }
                        )
                else:
                    for s, lang in sentiment_and_language(chunk, be):
                        row_no += 1
                        write(
                            {
                                "row": row_no,
                                "label": s["label"],
                                "score": s["score"],
                                "language": lang or "",
                            }
                        )
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
        sys.stdout.flush()

    @text_app.command("languages")
    def languages(
        file: str = typer.Argument("-", help="Text file (one text per line) or CSV; - = stdin."),
        column: str | None = typer.Option(None, "--column", help="Read this CSV column."),
    ) -> None:
        """Detected language (ISO 639-1) per input row, in order."""
        from engagelens.text.language import detect_batch

        write = _writer("csv", ["row", "language"])
        stream = _open_binary(file)
        row_no = 0
        try:
            for chunk in _chunks(read_texts(stream, column), CHUNK_ROWS):
                for lang in detect_batch(chunk):
                    row_no += 1
                    write({"row": row_no, "language": lang or ""})
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()

    @text_app.command("themes")
    def themes_cmd(
        file: str = typer.Argument("-", help="Text file (one text per line) or CSV; - = stdin."),
        column: str | None = typer.Option(None, "--column", help="Read this CSV column."),
        fmt: str = typer.Option("csv", "--format", help="csv or jsonl."),
        k: int | None = typer.Option(
            None, "--k", help="Themes per language (default: chosen by silhouette)."
        ),
        max_themes: int = typer.Option(8, "--max-themes", help="Most themes per language."),
        min_size: int | None = typer.Option(
            None, "--min-size", help="Smallest theme (default: 3 or 2 % of the language's texts)."
        ),
        assign: bool = typer.Option(
            False, "--assign", help="One row per input row (row, language, theme, label) instead."
        ),
        exclude: list[str] = typer.Option(
            [], "--exclude", help="Leave out these words, e.g. the brand's name (repeat)."
        ),
    ) -> None:
        """Named themes per language: language, theme, size, share, label, terms, examples.

        Examples are input row numbers (the text itself is never echoed); labels and terms are
        words of letters and digits only, so no cell can start a spreadsheet formula."""
        from engagelens.errors import TextError
        from engagelens.text.themes import find_themes

        if fmt not in FORMATS:
            raise TextError(f"--format must be one of {FORMATS}, not {fmt!r}")
        for name, value in (("--k", k), ("--max-themes", max_themes), ("--min-size", min_size)):
            if value is not None and value < 1:
                raise TextError(f"{name} must be at least 1, not {value}")
        stream = _open_binary(file)
        try:
            texts = list(read_texts(stream, column))
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
        skip = frozenset(w for e in exclude for w in e.lower().split())
        result = find_themes(texts, k=k, max_themes=max_themes, min_size=min_size, exclude=skip)
        if assign:
            labels = {t.theme_id: t.label for t in result.themes}
            write = _writer(fmt, ["row", "language", "theme", "label"])
            for i, (lang, tid) in enumerate(zip(result.languages, result.assignment, strict=True)):
                write(
                    {
                        "row": i + 1,
                        "language": lang or "",
                        "theme": "" if tid < 0 else tid,
                        "label": labels.get(tid, ""),
                    }
                )
            sys.stdout.flush()
            return
        keys = ["language", "theme", "size", "share", "label", "terms", "examples"]
        write = _writer(fmt, keys)
        for t in result.themes:
            d = t.to_dict()
            d["examples"] = [i + 1 for i in t.examples]  # 1-based, like the other commands
            if fmt == "csv":
                d["terms"] = "; ".join(t.terms)
                d["examples"] = " ".join(str(i + 1) for i in t.examples)
            write(d)
        sys.stdout.flush()

    @text_app.command("analyze")
    def analyze_cmd(
        db: str | None = DbOption,
        backend: str | None = typer.Option(None, "--backend", help="linear, vader, transformers."),
        table: str | None = typer.Option(
            None, "--table", help="interaction or mention (default both)."
        ),
    ) -> None:
        """Analyse stored comments and mentions not yet analysed by the backend."""
        from engagelens.text import analyze_store, get_backend

        be = get_backend(backend)
        with open_db(db) as store:
            n = analyze_store(store, table, be)
        typer.echo(f"analysed {n} rows with {be.name} {be.version}")

    @text_app.command("backends")
    def backends() -> None:
        """List the sentiment backends."""
        from engagelens.text import backend_names

        for name in backend_names():
            typer.echo(name)

    app.add_typer(text_app, name="text")


__all__ = ["read_texts", "register"]
