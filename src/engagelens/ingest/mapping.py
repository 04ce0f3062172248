"""Declarative mappings: how a file's columns become canonical rows (docs/ingest.md).

A mapping is YAML (or the same structure as a dict, which is how built-in sources are
written)::

    entity: mention                 # or `targets:` — a list of {entity, columns}
    platform: x                     # a constant, or {column: network}
    timestamp_format: "%Y-%m-%d %H:%M:%S %z"
    timezone: UTC                   # zone of timestamps that carry no offset
    kind_values: {RT: retweet}      # source value (case-insensitive) → canonical kind
    columns:
      mention_id: $row              # record number, for files without an id
      text: text
      author_handle: name
      shares: retweet_count
    reject:                         # rows to quarantine on purpose (summary rows, …)
      - {column: Content, equals: Total, reason: "export total row"}

A field is a source column name, ``$row`` (record number), ``$file`` (file name),
``$file_time`` (the file's modification time, "as of" for lifetime counters), or a dict with
exactly one of ``column``, ``value``, ``template`` ("{Post Month}/01") or ``if`` plus optional
modifiers ``strip_suffix``, ``trim``, ``lower``, ``prefix``, ``values``, ``multiply``,
``negate`` (booleans), ``default``, ``timestamp_format``, ``timezone``. Every error names the
mapping, the field and what is accepted, and is raised as
:class:`~engagelens.errors.InvalidMapping`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping as MappingABC
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from engagelens.errors import InvalidMapping
from engagelens.model.tables import table_spec

from . import plan as P

#: canonical tables a file can be ingested into
ENTITIES: tuple[str, ...] = (
    "interaction",
    "content",
    "content_snapshot",
    "content_daily",
    "account",
    "account_snapshot",
    "mention",
    "web_session",
    "conversion",
    "email_event",
    "survey_response",
)

_TOP_KEYS = {
    "name",
    "description",
    "entity",
    "targets",
    "platform",
    "columns",
    "timestamp_format",
    "timezone",
    "kind_values",
    "reject",
    "encoding",
    "delimiter",
    "detect",
    "docs",
}
_TARGET_KEYS = {"entity", "columns", "platform", "kind_values", "timestamp_format", "timezone"}
_SOURCE_KEYS = {"column", "value", "template", "if", "row", "file", "file_time"}
_SPECIAL = {"$row": "row", "$file": "file", "$file_time": "file_time"}
_MODIFIERS = {
    "optional",
    "strip_suffix",
    "trim",
    "lower",
    "prefix",
    "values",
    "negate",
    "default",
    "multiply",
    "timestamp_format",
    "timezone",
}
_TEMPLATE_PART = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class FieldSpec:
    """A parsed field: an expression over source column *names* plus typing hints."""

    expr: P.Expr  # "column" nodes hold names here; bind() turns them into positions
    negate: bool = False
    timestamp_formats: tuple[str, ...] = ()
    timezone: str | None = None


@dataclass(frozen=True)
class Target:
    entity: str
    fields: dict[str, FieldSpec]


@dataclass(frozen=True)
class SourceMapping:
    """A validated mapping; :meth:`plan` binds it to one file's columns."""

    name: str
    targets: tuple[Target, ...]
    rules: tuple[tuple[P.Expr, str], ...] = ()
    encoding: str | None = None
    delimiter: str | None = None
    detect: tuple[str, ...] = ()
    description: str = ""
    source_columns_used: frozenset[str] = field(default_factory=frozenset)

    @property
    def entity(self) -> str:
        return "+".join(t.entity for t in self.targets)

    def plan(
        self,
        columns: Sequence[str],
        *,
        max_field_bytes: int,
        file_name: str = "",
        line_offset: int = 0,
        file_time: str = "",
    ) -> P.IngestPlan:
        """Bind to a file's header; unknown column names raise InvalidMapping."""
        lookup = _column_lookup(columns)

        def bind(expr: P.Expr) -> P.Expr:
            if expr.op in ("column", "pick"):
                names, optional = (expr.args, False) if expr.op == "column" else expr.args
                for name in names:
                    pos = lookup.get(name, lookup.get(_norm(name)))
                    if pos is not None:
                        return P.column(pos)
                if optional:  # a counter the export did not include is unknown, never 0
                    return P.const(None)
                shown = ", ".join(repr(c) for c in list(columns)[:40])
                wanted = " or ".join(repr(n) for n in names)
                raise InvalidMapping(
                    f"mapping {self.name!r}: column {wanted} is not in the file "
                    f"(its columns: {shown})"
                )
            return P.Expr(
                expr.op, tuple(bind(a) if isinstance(a, P.Expr) else a for a in expr.args)
            )

        targets = []
        seen: dict[tuple[Any, ...], P.FieldPlan] = {}
        for t in self.targets:
            spec = table_spec(t.entity)
            fields = []
            for c in spec.columns:
                if c.name not in t.fields:
                    continue
                f = t.fields[c.name]
                expr = bind(f.expr)
                if c.dtype == "string" and (c.name in spec.key or c.name.endswith("_id")):
                    # " 7" and "7 " are the same post, and "   " is no id at all
                    expr = P.Expr("trim", (expr,))
                planned = P.FieldPlan(
                    name=c.name,
                    dtype=c.dtype,
                    expr=expr,
                    required=c.required or c.name in spec.key,
                    choices=c.choices,
                    minimum=c.minimum,
                    maximum=c.maximum,
                    negate=f.negate,
                    timestamp_formats=f.timestamp_formats,
                    timezone=f.timezone,
                    max_bytes=max_field_bytes if c.dtype == "string" else None,
                )
                fields.append(_unchecked_repeats(planned, seen))
            targets.append(P.TargetPlan(t.entity, spec.key, tuple(fields)))
        rules = tuple(P.RowRule(bind(test), reason) for test, reason in self.rules)
        return P.IngestPlan(
            tuple(targets), tuple(columns), rules, file_name, line_offset, file_time
        )

    def matches_header(self, columns: Sequence[str]) -> bool:
        """True when every ``detect`` column is in the header (built-in source detection)."""
        if not self.detect:
            return False
        lookup = _column_lookup(columns)
        return all(d in lookup or _norm(d) in lookup for d in self.detect)


def _unchecked_repeats(f: P.FieldPlan, seen: dict[tuple[Any, ...], P.FieldPlan]) -> P.FieldPlan:
    """The same field computed the same way for a second table (``content_id`` of content
    and of content_snapshot) is checked once: a row gets "missing content_id", not
    "missing content_id; missing content_id"."""
    sig = (f.name, f.dtype, f.expr, f.negate, f.timestamp_formats, f.timezone)
    first = seen.setdefault(sig, f)
    if first is f:
        return f
    return replace(
        f,
        required=f.required and not first.required,
        choices=None if f.choices == first.choices else f.choices,
        minimum=None if f.minimum == first.minimum else f.minimum,
        maximum=None if f.maximum == first.maximum else f.maximum,
        max_bytes=None if f.max_bytes == first.max_bytes else f.max_bytes,
    )


def _norm(name: str) -> str:
    return " ".join(str(name).replace("\ufeff", "").split()).casefold()


def _column_lookup(columns: Sequence[str]) -> dict[str, int]:
    lookup: dict[str, int] = {}
    for i, c in enumerate(columns):
        lookup.setdefault(c, i)
    for i, c in enumerate(columns):
        lookup.setdefault(_norm(c), i)
    return lookup


# -- loading -------------------------------------------------------------------------------
def load_mapping(path: str | os.PathLike[str]) -> SourceMapping:
    """Read and validate a YAML mapping file."""
    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidMapping(f"cannot read mapping {p}: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidMapping(
            f"mapping {p.name}: not valid YAML ({str(exc).splitlines()[0]})"
        ) from exc
    return parse_mapping(data, name=p.name)


def parse_mapping(data: Any, *, name: str = "mapping") -> SourceMapping:
    """Validate a mapping given as a dict (the YAML structure)."""
    where = f"mapping {name!r}"
    if not isinstance(data, MappingABC):
        raise InvalidMapping(f"{where}: expected a mapping with `entity:` and `columns:`")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise InvalidMapping(
            f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_TOP_KEYS)}"
        )
    name = str(data.get("name") or name)
    where = f"mapping {name!r}"
    if "targets" in data:
        if "entity" in data or "columns" in data:
            raise InvalidMapping(
                f"{where}: use either `targets:` or `entity:` + `columns:`, not both"
            )
        raw_targets = data["targets"]
        if not isinstance(raw_targets, list) or not raw_targets:
            raise InvalidMapping(
                f"{where}: `targets:` must be a non-empty list of {{entity, columns}}"
            )
    else:
        raw_targets = [{"entity": data.get("entity"), "columns": data.get("columns")}]
    shared = {k: data.get(k) for k in ("platform", "kind_values", "timestamp_format", "timezone")}
    targets = []
    for i, raw in enumerate(raw_targets):
        if not isinstance(raw, MappingABC):
            raise InvalidMapping(f"{where}: target {i + 1} must be a mapping")
        bad = set(raw) - _TARGET_KEYS
        if bad:
            raise InvalidMapping(f"{where}: target {i + 1}: unknown key(s) {sorted(bad)}")
        merged = {**shared, **{k: v for k, v in raw.items() if v is not None}}
        targets.append(_parse_target(merged, where))
    rules = tuple(_parse_rule(r, where) for r in (data.get("reject") or []))
    detect = data.get("detect") or ()
    if isinstance(detect, str) or not all(isinstance(d, str) for d in detect):
        raise InvalidMapping(f"{where}: `detect:` must be a list of column names")
    delimiter = data.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise InvalidMapping(f"{where}: `delimiter:` must be one character, e.g. ',' or '\\t'")
    encoding = data.get("encoding")
    if encoding is not None:
        import codecs

        try:
            codecs.lookup(str(encoding))
        except LookupError:
            raise InvalidMapping(f"{where}: unknown encoding {encoding!r}") from None
    used = frozenset(n for t in targets for f in t.fields.values() for n in _names(f.expr))
    return SourceMapping(
        name=name,
        targets=tuple(targets),
        rules=rules,
        encoding=encoding,
        delimiter=delimiter,
        detect=tuple(detect),
        description=str(data.get("description") or ""),
        source_columns_used=used,
    )


def _names(expr: P.Expr) -> set[str]:
    out = (
        {expr.args[0]} if expr.op == "column" else set(expr.args[0]) if expr.op == "pick" else set()
    )
    for a in expr.args:
        if isinstance(a, P.Expr):
            out |= _names(a)
    return out


def _parse_target(raw: MappingABC, where: str) -> Target:
    entity = raw.get("entity")
    if entity not in ENTITIES:
        raise InvalidMapping(
            f"{where}: `entity:` must be one of {', '.join(ENTITIES)}; got {entity!r}"
        )
    where = f"{where} ({entity})"
    spec = table_spec(entity)
    columns = raw.get("columns")
    if not isinstance(columns, MappingABC) or not columns:
        raise InvalidMapping(f"{where}: `columns:` must map canonical fields to source columns")
    allowed = [c for c in spec.column_names if c != "batch_id"]
    fields: dict[str, FieldSpec] = {}
    formats = _formats(raw.get("timestamp_format"), where)
    tz = raw.get("timezone")
    if tz is not None and not isinstance(tz, str):
        raise InvalidMapping(f"{where}: `timezone:` must be a zone name such as Europe/Paris")
    for canon, src in columns.items():
        if canon not in allowed:
            raise InvalidMapping(
                f"{where}: {canon!r} is not a field of {entity}; fields: {', '.join(allowed)}"
            )
        fields[canon] = _parse_field(src, f"{where} field {canon!r}", formats, tz)
    platform = raw.get("platform")
    if "platform" in allowed and "platform" not in fields:
        if platform is None:
            raise InvalidMapping(
                f"{where}: say which platform the rows come from "
                "(`platform: x` or `platform: {column: network}`)"
            )
        fields["platform"] = _parse_field(
            {"value": platform} if isinstance(platform, str) else platform,
            f"{where} platform",
            formats,
            tz,
        )
    kind_values = raw.get("kind_values")
    if kind_values is not None:
        if "kind" not in fields:
            raise InvalidMapping(f"{where}: `kind_values:` needs a `kind` column mapping")
        if not isinstance(kind_values, MappingABC):
            raise InvalidMapping(f"{where}: `kind_values:` must map source values to kinds")
        choices = spec.column("kind").choices or ()
        for src, kind in kind_values.items():
            if kind not in choices:
                raise InvalidMapping(
                    f"{where}: kind_values maps {src!r} to {kind!r}, which is not a "
                    f"{entity} kind ({', '.join(choices)})"
                )
        pairs = tuple((str(k).casefold(), str(v)) for k, v in kind_values.items())
        f = fields["kind"]
        fields["kind"] = FieldSpec(
            P.Expr("map", (P.Expr("lower", (f.expr,)), pairs)),
            f.negate,
            f.timestamp_formats,
            f.timezone,
        )
    missing = [
        c.name for c in spec.columns if (c.required or c.name in spec.key) and c.name not in fields
    ]
    if missing:
        raise InvalidMapping(f"{where}: required field(s) not mapped: {', '.join(missing)}")
    for canon, f in fields.items():
        if f.negate and spec.column(canon).dtype != "boolean":
            raise InvalidMapping(
                f"{where}: `negate` only applies to true/false fields, not {canon!r}"
            )
    return Target(entity, fields)


def _formats(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) and "%" in v for v in values):
        raise InvalidMapping(
            f"{where}: `timestamp_format` must be a strptime format like "
            "'%Y-%m-%d %H:%M:%S' (or a list of them)"
        )
    return tuple(values)


def _parse_field(src: Any, where: str, formats: tuple[str, ...], tz: str | None) -> FieldSpec:
    if isinstance(src, str):
        src = {_SPECIAL[src]: True} if src in _SPECIAL else {"column": src}
    if isinstance(src, bool) or isinstance(src, int | float):
        src = {"value": src}
    if not isinstance(src, MappingABC):
        raise InvalidMapping(f"{where}: expected a column name or a dict such as {{column: X}}")
    unknown = set(src) - _SOURCE_KEYS - _MODIFIERS - {"then", "else"}
    if unknown:
        raise InvalidMapping(
            f"{where}: unknown key(s) {sorted(unknown)}; "
            f"allowed: {sorted(_SOURCE_KEYS | _MODIFIERS)}"
        )
    sources = [k for k in _SOURCE_KEYS if k in src]
    if len(sources) != 1:
        raise InvalidMapping(
            f"{where}: give exactly one of column, value, template, if, $row, $file, $file_time"
        )
    kind = sources[0]
    if kind == "column":
        names = src["column"] if isinstance(src["column"], list) else [src["column"]]
        if not names or not all(isinstance(n, str) and n for n in names):
            raise InvalidMapping(
                f"{where}: `column:` must be a column name or a list of alternative names"
            )
        if len(names) == 1 and not src.get("optional"):
            expr = P.Expr("column", (names[0],))
        else:  # the first of the names the file has (renamed metrics), or unknown if optional
            expr = P.Expr("pick", (tuple(names), bool(src.get("optional"))))
    elif kind == "value":
        v = src["value"]
        if v is not None and not isinstance(v, str | int | float | bool):
            raise InvalidMapping(f"{where}: `value:` must be a plain constant")
        expr = P.const(None if v is None else (str(v).lower() if isinstance(v, bool) else str(v)))
    elif kind == "row":
        expr = P.ROW
    elif kind == "file":
        expr = P.FILE
    elif kind == "file_time":
        expr = P.FILE_TIME
    elif kind == "template":
        expr = _template(src["template"], where)
    else:
        expr = _if(src, where, formats, tz)
    if "strip_suffix" in src:
        expr = P.Expr("strip_suffix", (expr, _text(src["strip_suffix"], where, "strip_suffix")))
    if src.get("trim"):
        expr = P.Expr("trim", (expr,))
    if src.get("lower"):
        expr = P.Expr("lower", (expr,))
    if "values" in src:
        if not isinstance(src["values"], MappingABC):
            raise InvalidMapping(f"{where}: `values:` must map source values to canonical values")
        expr = P.Expr(
            "map",
            (
                expr,
                tuple((str(k), None if v is None else str(v)) for k, v in src["values"].items()),
            ),
        )
    if "multiply" in src:
        factor = src["multiply"]
        if isinstance(factor, bool) or not isinstance(factor, int | float):
            raise InvalidMapping(f"{where}: `multiply:` must be a number (e.g. 3600 for hours → s)")
        expr = P.Expr("multiply", (expr, float(factor)))
    if "prefix" in src:
        expr = P.Expr("prefix", (expr, _text(src["prefix"], where, "prefix")))
    if "default" in src:
        expr = P.Expr("coalesce", (expr, P.const(str(src["default"]))))
    own_formats = _formats(src.get("timestamp_format"), where) or formats
    return FieldSpec(expr, bool(src.get("negate")), own_formats, src.get("timezone", tz))


def _text(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str | int | float):
        raise InvalidMapping(f"{where}: `{key}:` must be text")
    return str(value)


def _template(template: Any, where: str) -> P.Expr:
    if not isinstance(template, str) or not _TEMPLATE_PART.search(template):
        raise InvalidMapping(
            f"{where}: `template:` must be text naming columns in braces, "
            "e.g. '2014-{Post Month}-01'"
        )
    parts: list[P.Expr] = []
    pos = 0
    for m in _TEMPLATE_PART.finditer(template):
        if m.start() > pos:
            parts.append(P.const(template[pos : m.start()]))
        parts.append(P.Expr("column", (m.group(1),)))
        pos = m.end()
    if pos < len(template):
        parts.append(P.const(template[pos:]))
    return P.Expr("concat", tuple(parts))


def _test(raw: Any, where: str) -> P.Expr:
    if (
        not isinstance(raw, MappingABC)
        or "column" not in raw
        or not ({"equals", "present"} & set(raw))
    ):
        raise InvalidMapping(
            f"{where}: a test is {{column: X, equals: V}} or {{column: X, present: true}}"
        )
    col = P.Expr("column", (str(raw["column"]),))
    if "equals" in raw:
        value = raw["equals"]
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if raw.get("ignore_case"):  # CSV "False" and JSON false (read as "false") alike
            return P.Expr("equals", (P.Expr("lower", (col,)), text.casefold()))
        return P.Expr("equals", (col, text))
    test = P.Expr("present", (col,))
    return test if raw["present"] else P.Expr("not", (test,))


def _if(src: MappingABC, where: str, formats: tuple[str, ...], tz: str | None) -> P.Expr:
    if "then" not in src:
        raise InvalidMapping(f"{where}: `if:` needs `then:` (and optionally `else:`)")
    then = _parse_field(src["then"], where + " then", formats, tz).expr
    other = (
        _parse_field(src["else"], where + " else", formats, tz).expr
        if src.get("else") is not None
        else P.const(None)
    )
    return P.Expr("if", (_test(src["if"], where), then, other))


def _parse_rule(raw: Any, where: str) -> tuple[P.Expr, str]:
    if not isinstance(raw, MappingABC) or not raw.get("reason"):
        raise InvalidMapping(f"{where}: each `reject:` entry needs a test and a `reason:`")
    return _test({k: v for k, v in raw.items() if k != "reason"}, where), str(raw["reason"])


def canonical_mapping(entity: str, columns: Sequence[str]) -> SourceMapping:
    """Identity mapping for files whose columns already are canonical names."""
    if entity not in ENTITIES:
        raise InvalidMapping(f"canonical: unknown entity {entity!r}; one of {', '.join(ENTITIES)}")
    spec = table_spec(entity)
    present = {c for c in columns if c in spec.column_names and c != "batch_id"}
    return parse_mapping(
        {
            "name": "canonical",
            "entity": entity,
            "columns": {c: {"column": c} for c in sorted(present)},
        },
        name="canonical",
    )


__all__ = sorted(
    [
        "ENTITIES",
        "FieldSpec",
        "SourceMapping",
        "Target",
        "canonical_mapping",
        "load_mapping",
        "parse_mapping",
    ]
)
