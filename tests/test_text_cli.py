"""``engagelens text sentiment|languages|analyze``: one output row per input row, in order."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from typer.testing import CliRunner

from engagelens.cli.main import app, main
from engagelens.text import analyze

runner = CliRunner()


def _rows(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


def test_plain_lines_from_stdin_keep_order_and_blank_lines():
    lines = ["I love it", "", "worst flight ever", "غذا سرد بود", "很好吃", "😍"]
    res = runner.invoke(app, ["text", "sentiment", "-"], input="\n".join(lines) + "\n")
    assert res.exit_code == 0, res.output
    rows = _rows(res.output)
    assert [r["row"] for r in rows] == [str(i) for i in range(1, len(lines) + 1)]
    expected = analyze(lines)
    assert [r["label"] for r in rows] == [e["sentiment"] for e in expected]
    assert [r["language"] for r in rows] == [e["language"] or "" for e in expected]
    assert [float(r["score"]) for r in rows] == [e["sentiment_score"] for e in expected]


def test_crlf_lines_and_no_trailing_newline():
    res = runner.invoke(app, ["text", "sentiment"], input="good\r\nbad\r\nok")
    assert res.exit_code == 0
    assert len(_rows(res.output)) == 3


def test_csv_column_with_multiline_quoted_field_and_formula(fixtures_dir):
    path = fixtures_dir / "text" / "comments.csv"
    res = runner.invoke(app, ["text", "sentiment", str(path), "--column", "comment"])
    assert res.exit_code == 0, res.output
    with path.open(encoding="utf-8", newline="") as fh:
        source = [r["comment"] for r in csv.DictReader(fh)]
    rows = _rows(res.output)
    assert len(rows) == len(source) == 7
    assert [r["label"] for r in rows] == [a["sentiment"] for a in analyze(source)]
    assert "HYPERLINK" not in res.output  # input text is never echoed


def test_jsonl_and_full_columns():
    res = runner.invoke(
        app, ["text", "sentiment", "--format", "jsonl", "--full"], input="Where can I buy this?\n"
    )
    assert res.exit_code == 0
    row = json.loads(res.output.strip())
    assert row["row"] == 1 and row["is_question"] is True and row["is_purchase_intent"] is True
    assert row["quality"] in {"substantive", "low_effort", "spam"}


def test_invalid_utf8_file_is_replaced_not_fatal(fixtures_dir):
    path = fixtures_dir / "text" / "invalid_utf8.txt"
    n_lines = path.read_bytes().count(b"\n")
    res = runner.invoke(app, ["text", "sentiment", str(path)])
    assert res.exit_code == 0, res.output
    rows = _rows(res.output)
    assert len(rows) == n_lines == 4
    assert rows[2]["label"] == "neutral" and rows[2]["language"] == ""  # only invisible marks
    assert rows[3]["language"] == "fa"


def test_errors_are_one_line_exit_2(capsys, tmp_path):
    assert main(["text", "sentiment", str(tmp_path / "missing.txt")]) == 2
    assert main(["text", "sentiment", "--format", "xml"]) == 2
    f = tmp_path / "c.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["text", "sentiment", str(f), "--column", "text"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("error[") for line in err)


def test_languages_command():
    res = runner.invoke(app, ["text", "languages"], input="hello there, thanks\n送餐很快\n\n")
    assert [r["language"] for r in _rows(res.output)] == ["en", "zh", ""]


def test_analyze_command_over_store(tmp_path):
    from engagelens.store import Store

    db = tmp_path / "t.duckdb"
    with Store.open(db) as s:
        s.insert(
            "interaction",
            [
                {
                    "platform": "x",
                    "interaction_id": "1",
                    "kind": "comment",
                    "occurred_at": dt.datetime(2026, 1, 1),
                    "text": "great!",
                }
            ],
        )
    res = runner.invoke(app, ["text", "analyze", "--db", str(db)])
    assert res.exit_code == 0 and res.output.startswith("analysed 1 rows with linear")
    res = runner.invoke(app, ["text", "analyze", "--db", str(db)])
    assert res.output.startswith("analysed 0 rows")


def test_binary_flag_answers_positive_or_negative_only():
    """--binary: the same score, but a 3-class head's "neutral" becomes its sign; empty stays
    neutral; a non-linear backend is refused with a one-line error."""
    from engagelens.text import get_backend

    lines = [
        "Where is my bag?",
        "",
        "the flight leaves at 5pm",
        "giáo viên dạy bình thường",
        "worst flight ever",
        "很好吃",
    ]
    plain = _rows(runner.invoke(app, ["text", "sentiment"], input="\n".join(lines)).output)
    res = runner.invoke(app, ["text", "sentiment", "--binary"], input="\n".join(lines))
    assert res.exit_code == 0, res.output
    rows = _rows(res.output)
    assert len(rows) == len(lines)
    assert rows[1]["label"] == "neutral" and float(rows[1]["score"]) == 0.0
    nonempty = [r for i, r in enumerate(rows) if lines[i]]
    assert {r["label"] for r in nonempty} <= {"positive", "negative"}
    assert "neutral" in {r["label"] for r in plain}  # the flag changed something
    for r, p in zip(rows, plain, strict=True):  # ... and only what was neutral
        if p["label"] != "neutral":
            assert (r["label"], r["score"]) == (p["label"], p["score"])
        elif float(r["score"]):
            assert r["label"] == ("positive" if float(r["score"]) > 0 else "negative")
    # a question without opinion evidence is neutral, 0.0 in plain mode (issue 18) and
    # keeps the model's sign in binary mode, which has no neutral to give
    assert (plain[0]["label"], float(plain[0]["score"])) == ("neutral", 0.0)
    expected = get_backend("linear", binary=True).sentiment(lines)
    assert [r["label"] for r in rows] == [e["label"] for e in expected]
    assert main(["text", "sentiment", "--binary", "--backend", "vader"]) == 2
