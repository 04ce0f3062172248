"""The listening query language: a small boolean language users know from listening tools.

Grammar (operators are UPPER-CASE; lower-case ``and``/``or``/``not`` are ordinary words)::

    query    := or
    or       := and ( "OR" and )*
    and      := not ( ["AND"] not )*        adjacent operands are an implicit AND
    not      := "NOT" not | near
    near     := operand [ "NEAR/n" operand ]  both sides words, phrases, wildcards or tags
    operand  := word | word* | "exact phrase" | #hashtag | @handle
              | lang:xx | platform:name | "(" or ")"

Precedence is NOT > AND > OR (``a OR b c`` is ``a OR (b AND c)``; ``NOT a b`` is
``(NOT a) AND b``), as in Brandwatch and Talkwalker boolean queries. ``NEAR/n`` binds tightest:
``a NEAR/3 b`` holds when at most *n* words stand between the two, in either order
(``NEAR/0``: adjacent). A word matches a whole word (also inside ``#word`` and ``@word``),
``w*`` any word starting with ``w``; in Chinese, Japanese and Thai, which have no spaces, a word
matches anywhere in the text. Errors raise :class:`~engagelens.errors.QuerySyntaxError`
with the 1-based column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import regex

from engagelens.errors import QuerySyntaxError

from .fold import DEFAULT_OPTIONS, FoldOptions, tokens

#: field aliases: ``lang:vi``; ``platform:x`` also matches mentions stored as ``twitter``
FIELDS = {"lang": "language", "language": "language", "platform": "platform"}
PLATFORM_ALIASES = {
    "x": ("x", "twitter"),
    "twitter": ("x", "twitter"),
    "fb": ("facebook",),
    "ig": ("instagram",),
}
_NEAR = regex.compile(r"NEAR/(\d+)")


# -- syntax tree ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Text:
    """A word, wildcard, phrase, hashtag or handle, as the user typed it."""

    raw: str
    kind: str  # "word", "phrase", "hashtag" or "handle"
    prefix: bool = False
    column: int = 0

    def words(self, options: FoldOptions = DEFAULT_OPTIONS) -> str:
        """The folded words, joined by single spaces (the form the engine searches)."""
        body = self.raw.lstrip("#@") if self.kind in ("hashtag", "handle") else self.raw
        return " ".join(w for _, w in tokens(body.rstrip("*"), options))


@dataclass(frozen=True)
class Field:
    name: str  # "language" or "platform"
    value: str
    column: int = 0

    def accepts(self, value: str | None) -> bool:
        if not value:
            return False
        value = value.casefold()
        if self.name == "language":  # lang:zh takes zh-TW and zh_CN; lang:zh-tw only zh-TW
            value = value.replace("_", "-")
            return value == self.value.replace("_", "-") or value.split("-")[0] == self.value
        return value in PLATFORM_ALIASES.get(self.value, (self.value,))


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Near:
    left: Text
    right: Text
    distance: int


Node = Text | Field | Not | And | Or | Near


# -- lexer ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Tok:
    kind: str  # LP RP AND OR NOT NEAR TEXT FIELD END
    value: object
    column: int  # 1-based


_SPECIAL = set('()"')


def _lex(query: str) -> list[_Tok]:
    out: list[_Tok] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        col = i + 1
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append(_Tok("LP" if ch == "(" else "RP", ch, col))
            i += 1
        elif ch == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError("unclosed quote", query=query, column=col)
            phrase = Text(query[i + 1 : end], "phrase", column=col)
            if not phrase.words():
                raise QuerySyntaxError("empty phrase", query=query, column=col)
            out.append(_Tok("TEXT", phrase, col))
            i = end + 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in _SPECIAL:
                j += 1
            out.append(_word(query, query[i:j], col))
            i = j
    out.append(_Tok("END", None, n + 1))
    return out


def _word(query: str, word: str, col: int) -> _Tok:
    if word in ("AND", "OR", "NOT"):
        return _Tok(word, word, col)
    if word == "NEAR" or word.startswith("NEAR/"):
        m = _NEAR.fullmatch(word)
        if not m:
            raise QuerySyntaxError("NEAR needs a distance, e.g. NEAR/3", query=query, column=col)
        return _Tok("NEAR", int(m.group(1)), col)
    name, colon, value = word.partition(":")
    if colon and name.lower() in FIELDS:
        if not value or not regex.fullmatch(r"[\p{L}\p{N}_.-]+", value):
            raise QuerySyntaxError(
                f"{name}: needs a value, e.g. {name}:vi", query=query, column=col + len(name) + 1
            )
        return _Tok("FIELD", Field(FIELDS[name.lower()], value.casefold(), col), col)
    star = word.find("*")
    if star >= 0 and star != len(word) - 1:
        raise QuerySyntaxError("a wildcard * may only end a word", query=query, column=col + star)
    kind = {"#": "hashtag", "@": "handle"}.get(word[0], "word")
    text = Text(word, kind, prefix=word.endswith("*"), column=col)
    words = text.words()
    if not words:
        raise QuerySyntaxError(
            f"{word!r} has no letters or digits to match", query=query, column=col
        )
    if kind != "word" and " " in words:
        raise QuerySyntaxError(f"a {kind} is one word: {word!r}", query=query, column=col)
    return _Tok("TEXT", text, col)


# -- parser ---------------------------------------------------------------------------------
_STARTS_OPERAND = {"TEXT", "FIELD", "LP", "NOT"}


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.toks = _lex(query)
        self.pos = 0

    def peek(self) -> _Tok:
        return self.toks[self.pos]

    def take(self) -> _Tok:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def fail(self, message: str, tok: _Tok) -> QuerySyntaxError:
        return QuerySyntaxError(message, query=self.query, column=tok.column)

    def parse(self) -> Node:
        if self.peek().kind == "END":
            raise self.fail("empty query", self.peek())
        node = self.or_()
        tok = self.peek()
        if tok.kind == "RP":
            raise self.fail("unmatched ')'", tok)
        if tok.kind != "END":  # pragma: no cover - every other token starts an operand
            raise self.fail(f"unexpected {tok.value!r}", tok)
        return node

    def or_(self) -> Node:
        children = [self.and_()]
        while self.peek().kind == "OR":
            self.take()
            children.append(self.and_())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_(self) -> Node:
        children = [self.not_()]
        while True:
            tok = self.peek()
            if tok.kind == "AND":
                self.take()
            elif tok.kind not in _STARTS_OPERAND:
                break
            children.append(self.not_())
        return children[0] if len(children) == 1 else And(tuple(children))

    def not_(self) -> Node:
        if self.peek().kind == "NOT":
            self.take()
            return Not(self.not_())
        return self.near()

    def near(self) -> Node:
        left = self.operand()
        if self.peek().kind != "NEAR":
            return left
        op = self.take()
        right = self.operand()
        if not (isinstance(left, Text) and isinstance(right, Text)):
            raise self.fail("NEAR joins two words, phrases or tags", op)
        if self.peek().kind == "NEAR":
            raise self.fail("chain NEAR with AND: (a NEAR/2 b) AND (b NEAR/2 c)", self.peek())
        return Near(left, right, cast(int, op.value))  # the lexer stores NEAR/n's n as an int

    def operand(self) -> Node:
        tok = self.take()
        if tok.kind in ("TEXT", "FIELD"):
            return tok.value  # type: ignore[return-value]
        if tok.kind == "LP":
            if self.peek().kind == "RP":
                raise self.fail("empty parentheses", self.peek())
            node = self.or_()
            close = self.take()
            if close.kind != "RP":
                raise self.fail("missing ')' for the '(' here", tok)
            return node
        if tok.kind == "END":
            raise self.fail("query ends where a word or phrase was expected", tok)
        raise self.fail(
            f"{tok.value} needs a word or phrase before and after it"
            if tok.kind in ("AND", "OR", "NEAR")
            else f"unexpected {tok.value!r}",
            tok,
        )


def parse(query: str) -> Node:
    """Parse ``query`` into a syntax tree or raise QuerySyntaxError (1-based column)."""
    if not isinstance(query, str):
        raise QuerySyntaxError("a query is text")
    return _Parser(query).parse()


def walk(node: Node):
    """Every node of the tree, parents first."""
    yield node
    if isinstance(node, Not):
        yield from walk(node.child)
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from walk(child)
    elif isinstance(node, Near):
        yield node.left
        yield node.right


def anchored(node: Node) -> bool:
    """True when the query cannot match unless one of its words occurs: such queries are only
    evaluated on mentions where the multi-pattern search found a candidate word. Others
    (``NOT spam``, ``lang:vi``) are evaluated on every mention."""
    if isinstance(node, Text | Near):
        return True
    if isinstance(node, And):
        return any(anchored(c) for c in node.children)
    if isinstance(node, Or):
        return all(anchored(c) for c in node.children)
    return False  # Not, Field


def positive_texts(node: Node, negated: bool = False) -> list[Text]:
    """Words that count as *matched terms* (not under a NOT)."""
    if isinstance(node, Text):
        return [] if negated else [node]
    if isinstance(node, Near):
        return [] if negated else [node.left, node.right]
    if isinstance(node, Not):
        return positive_texts(node.child, not negated)
    if isinstance(node, And | Or):
        return [t for c in node.children for t in positive_texts(c, negated)]
    return []


def to_string(node: Node) -> str:
    """A fully parenthesised rendering (shows how precedence was applied)."""
    if isinstance(node, Text):
        return f'"{node.raw}"' if node.kind == "phrase" else node.raw
    if isinstance(node, Field):
        return f"{'lang' if node.name == 'language' else node.name}:{node.value}"
    if isinstance(node, Not):
        return f"(NOT {to_string(node.child)})"
    if isinstance(node, Near):
        return f"({to_string(node.left)} NEAR/{node.distance} {to_string(node.right)})"
    op = " AND " if isinstance(node, And) else " OR "
    return "(" + op.join(to_string(c) for c in node.children) + ")"


__all__ = sorted(
    [
        "And",
        "FIELDS",
        "Field",
        "Near",
        "Node",
        "Not",
        "Or",
        "PLATFORM_ALIASES",
        "Text",
        "anchored",
        "parse",
        "positive_texts",
        "to_string",
        "walk",
    ]
)
