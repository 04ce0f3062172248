"""Column declarations for every stored table.

Conventions (documented once, relied on everywhere):

* timestamps are stored as naive UTC (``timestamp``); ingestion converts offsets to UTC;
* counters are ``int64`` and never negative; durations are ``float64`` seconds (``*_s``);
* every ingestible table carries ``batch_id`` so a row can be traced to its file and line;
* the ``key`` of a table is its natural key: re-ingesting a row with the same key is a
  duplicate, not a new row.

Layers that own tables (listening, engage, api) declare them with :func:`register_table`;
the store creates and extends them on open, so adding a table needs no hand-written DDL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict, Unpack


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # an ibis dtype string: string, int64, float64, boolean, timestamp, date
    required: bool = False
    description: str = ""
    #: values the column may take (a closed vocabulary), or None
    choices: tuple[str, ...] | None = None
    #: smallest allowed value for numbers
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    description: str = ""
    ingestible: bool = True
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def ibis_schema(self):
        import ibis

        return ibis.schema({c.name: c.dtype for c in self.columns})


class _Bounds(TypedDict, total=False):
    """Optional column constraints, typed so ``**_NN`` is checked key by key."""

    choices: tuple[str, ...] | None
    minimum: float | None
    maximum: float | None


def _c(
    name: str, dtype: str, required: bool = False, desc: str = "", **kw: Unpack[_Bounds]
) -> Column:
    return Column(name, dtype, required, desc, **kw)


from .kinds import CONTENT_KINDS, EMAIL_EVENT_KINDS, INTERACTION_KINDS  # noqa: E402

_BATCH = _c("batch_id", "int64", False, "ingest batch that stored the row")
_NN: _Bounds = {"minimum": 0}  # counters are never negative

ACCOUNT = TableSpec(
    "account",
    (
        _c("platform", "string", True, "platform the account lives on"),
        _c("account_id", "string", True, "platform's id of the account"),
        _c("handle", "string", desc="@handle or page name"),
        _c("name", "string", desc="display name"),
        _c(
            "brand",
            "string",
            desc="brand this account speaks for (groups accounts across platforms)",
        ),
        _c("is_own", "boolean", desc="the account belongs to the brand using EngageLens"),
        _c("is_competitor", "boolean", desc="a tracked competitor"),
        _c("followers", "int64", desc="latest known follower count", **_NN),
        _BATCH,
    ),
    key=("platform", "account_id"),
    description=(
        "An account on a platform: the brand's own, a competitor's, or an audience member's."
    ),
)

ACCOUNT_SNAPSHOT = TableSpec(
    "account_snapshot",
    (
        _c("platform", "string", True),
        _c("account_id", "string", True),
        _c("date", "date", True, "day the counters were read"),
        _c("followers", "int64", desc="followers on that day", **_NN),
        _c("following", "int64", **_NN),
        _c("posts", "int64", **_NN),
        _c("profile_views", "int64", desc="profile visits that day", **_NN),
        _c("website_clicks", "int64", desc="taps on the profile's website link", **_NN),
        _c("reach", "int64", desc="unique accounts that saw any content that day", **_NN),
        _c("views", "int64", desc="times content was played or displayed that day", **_NN),
        _BATCH,
    ),
    key=("platform", "account_id", "date"),
    description="Daily account counters (follower growth comes from here).",
)

CONTENT = TableSpec(
    "content",
    (
        _c("platform", "string", True),
        _c("content_id", "string", True, "platform's id of the post/video/email"),
        _c("account_id", "string", desc="account that published it"),
        _c("created_at", "timestamp", desc="publish time (UTC)"),
        _c("kind", "string", desc="format", choices=CONTENT_KINDS),
        _c("text", "string", desc="caption or body"),
        _c("url", "string"),
        _c("campaign", "string"),
        _c("hashtags", "string", desc="space-separated, lower-case, without '#'"),
        _c("duration_s", "float64", desc="video length in seconds", **_NN),
        _c("questions", "int64", desc="number of questions of a quiz (its completion)", **_NN),
        _c("paid", "boolean", desc="promoted / boosted"),
        _c(
            "spend",
            "float64",
            desc="amount paid to promote it, in the store's one currency (ROI's cost)",
            **_NN,
        ),
        _c("language", "string"),
        _BATCH,
    ),
    key=("platform", "content_id"),
    description="A piece of content the account published.",
)

CONTENT_SNAPSHOT = TableSpec(
    "content_snapshot",
    (
        _c("platform", "string", True),
        _c("content_id", "string", True),
        _c("as_of", "timestamp", True, "when the lifetime counters were read"),
        _c("impressions", "int64", **_NN),
        _c("reach", "int64", desc="unique people reached", **_NN),
        _c("organic_reach", "int64", **_NN),
        _c("paid_reach", "int64", **_NN),
        _c("views", "int64", **_NN),
        _c("completed_views", "int64", desc="views watched to the end", **_NN),
        _c("watch_time_s", "float64", desc="total watch time in seconds", **_NN),
        _c("avg_view_duration_s", "float64", **_NN),
        _c("clicks", "int64", **_NN),
        _c("link_clicks", "int64", **_NN),
        _c("likes", "int64", desc="likes and reactions", **_NN),
        _c("comments", "int64", **_NN),
        _c("shares", "int64", desc="shares, retweets and reposts", **_NN),
        _c("saves", "int64", **_NN),
        _c("replies", "int64", **_NN),
        _c("profile_visits", "int64", **_NN),
        _c("follows", "int64", desc="follows attributed to the content", **_NN),
        _c(
            "engaged_users",
            "int64",
            desc="unique people who engaged (Facebook's definition)",
            **_NN,
        ),
        _c("followers", "int64", desc="account followers when the content was published", **_NN),
        _c(
            "total_interactions",
            "int64",
            desc="likes, saves, comments and shares as the platform totals them",
            **_NN,
        ),
        _BATCH,
    ),
    key=("platform", "content_id", "as_of"),
    description="Lifetime counters of a content as a platform export reports them.",
)

INTERACTION = TableSpec(
    "interaction",
    (
        _c("platform", "string", True),
        _c("interaction_id", "string", True, "platform's id, or a stable hash of the row"),
        _c(
            "content_id", "string", desc="content interacted with (null for DMs, follows, mentions)"
        ),
        _c("account_id", "string", desc="brand account the interaction was aimed at"),
        _c("actor_id", "string", desc="who acted"),
        _c("actor_followers", "int64", desc="the actor's followers (reach of their voice)", **_NN),
        _c("kind", "string", True, choices=INTERACTION_KINDS),
        _c("occurred_at", "timestamp", True, "UTC"),
        _c("value", "float64", desc="watch seconds for view/watch; vote value", **_NN),
        _c("reaction", "string", desc="reaction type (love, haha, angry, …)"),
        _c("text", "string", desc="comment, reply, mention or DM text"),
        _c("parent_id", "string", desc="interaction_id this one answers (threads)"),
        _c("is_brand", "boolean", desc="the brand itself acted (e.g. replied)"),
        _c("agent", "string", desc="brand agent who answered, when exports name one"),
        _BATCH,
    ),
    key=("platform", "interaction_id"),
    description="One event: somebody did something to or about the brand.",
)

MENTION = TableSpec(
    "mention",
    (
        _c("platform", "string", True),
        _c("mention_id", "string", True),
        _c("author_id", "string"),
        _c("author_handle", "string"),
        _c("author_followers", "int64", **_NN),
        _c("created_at", "timestamp", True),
        _c("text", "string", True),
        _c("url", "string"),
        _c("language", "string", desc="source-provided language, if any"),
        _c(
            "sentiment",
            "string",
            desc="source-provided label, if any",
            choices=("positive", "neutral", "negative"),
        ),
        _c("reach", "int64", desc="estimated audience of the mention", **_NN),
        _c("likes", "int64", **_NN),
        _c("shares", "int64", **_NN),
        _c("location", "string"),
        _BATCH,
    ),
    key=("platform", "mention_id"),
    description="Something said on a public channel that listening queries run over.",
)

WEB_SESSION = TableSpec(
    "web_session",
    (
        _c("session_id", "string", True),
        _c("visitor_id", "string"),
        _c("started_at", "timestamp", True),
        _c("duration_s", "float64", **_NN),
        _c("pageviews", "int64", **_NN),
        _c("bounced", "boolean", desc="single-page session with no interaction"),
        _c("source", "string"),
        _c("medium", "string"),
        _c("campaign", "string"),
        _c("landing_page", "string"),
        _c("device", "string"),
        _BATCH,
    ),
    key=("session_id",),
    description="A visit to the brand's site (bounce rate, time on site, conversion rate).",
)

CONVERSION = TableSpec(
    "conversion",
    (
        _c("conversion_id", "string", True),
        _c("session_id", "string"),
        _c("customer_id", "string"),
        _c("occurred_at", "timestamp", True),
        _c("value", "float64", desc="order value", **_NN),
        _c("currency", "string"),
        _c("campaign", "string"),
        _c("utm_source", "string"),
        _c("utm_medium", "string"),
        _c("utm_campaign", "string"),
        _c("utm_content", "string"),
        _c("content_id", "string", desc="post the click came from, when known"),
        _BATCH,
    ),
    key=("conversion_id",),
    description="A purchase, sign-up or other goal completion.",
)

EMAIL_EVENT = TableSpec(
    "email_event",
    (
        _c("event_id", "string", True),
        _c("campaign", "string"),
        _c("recipient_id", "string"),
        _c("kind", "string", True, choices=EMAIL_EVENT_KINDS),
        _c("occurred_at", "timestamp", True),
        _c("url", "string"),
        _BATCH,
    ),
    key=("event_id",),
    description="E-mail delivery and engagement events.",
)

SURVEY_RESPONSE = TableSpec(
    "survey_response",
    (
        _c("response_id", "string", True),
        _c("survey", "string"),
        _c("respondent_id", "string"),
        _c("answered_at", "timestamp", True),
        _c("score", "int64", True, "0–10 likelihood to recommend", minimum=0, maximum=10),
        _c("comment", "string"),
        _BATCH,
    ),
    key=("response_id",),
    description="Net Promoter Score answers.",
)

INGEST_BATCH = TableSpec(
    "ingest_batch",
    (
        _c("batch_id", "int64", True),
        _c("file", "string"),
        _c("content_hash", "string", desc="sha256 of the file's bytes"),
        _c("source", "string", desc="built-in source or mapping file used"),
        _c("entity", "string", desc="target table(s)"),
        _c("status", "string", desc="running, done or failed"),
        _c("rows_read", "int64"),
        _c("rows_stored", "int64"),
        _c("rows_duplicate", "int64"),
        _c("rows_quarantined", "int64"),
        _c("started_at", "timestamp"),
        _c("finished_at", "timestamp"),
        _c("seconds", "float64"),
    ),
    key=("batch_id",),
    description="One ingested file: read = stored + duplicate + quarantined.",
    ingestible=False,
)

QUARANTINE = TableSpec(
    "quarantine",
    (
        _c("batch_id", "int64", True),
        _c("source", "string", desc="file the row came from"),
        _c(
            "line",
            "int64",
            desc="line in the file as an editor shows it (1-based, header included; a "
            "multi-line record's first line)",
        ),
        _c("record", "int64", desc="record number in the file (1 = first record; what $row is)"),
        _c("raw", "string", desc="the row as read (JSON object of its fields, or the raw line)"),
        _c("reason", "string", True),
        _c("entity", "string"),
    ),
    key=(),
    description="Rows rejected by validation, kept with their line and reason.",
    ingestible=False,
)

TEXT_ANALYSIS = TableSpec(
    "text_analysis",
    (
        _c("source_table", "string", True, "interaction, mention, content or survey_response"),
        _c("platform", "string"),
        _c("source_id", "string", True, "the row's id in its table"),
        _c("backend", "string", True),
        _c("backend_version", "string", True),
        _c("language", "string"),
        _c("sentiment", "string", choices=("positive", "neutral", "negative")),
        _c("sentiment_score", "float64", desc="-1 (negative) … +1 (positive)"),
        _c("quality", "string", choices=("substantive", "low_effort", "spam")),
        _c("is_question", "boolean"),
        _c("is_complaint", "boolean"),
        _c("is_purchase_intent", "boolean"),
        _c("is_praise", "boolean"),
        _c("analyzed_at", "timestamp"),
    ),
    key=("source_table", "platform", "source_id", "backend"),
    description="Per-row text intelligence, with the backend that produced it.",
    ingestible=False,
)

CORE_TABLES: tuple[TableSpec, ...] = (
    ACCOUNT,
    ACCOUNT_SNAPSHOT,
    CONTENT,
    CONTENT_SNAPSHOT,
    INTERACTION,
    MENTION,
    WEB_SESSION,
    CONVERSION,
    EMAIL_EVENT,
    SURVEY_RESPONSE,
    INGEST_BATCH,
    QUARANTINE,
    TEXT_ANALYSIS,
)

_REGISTRY: dict[str, TableSpec] = {t.name: t for t in CORE_TABLES}


def register_table(spec: TableSpec) -> TableSpec:
    """Declare a table owned by a layer (listening, engage, api); the store creates it."""
    existing = _REGISTRY.get(spec.name)
    if existing is not None and existing != spec:
        raise ValueError(f"table {spec.name!r} is declared twice with different columns")
    _REGISTRY[spec.name] = spec
    return spec


def table_spec(name: str) -> TableSpec:
    try:
        return _REGISTRY[name]
    except KeyError:
        from engagelens.errors import SchemaError

        raise SchemaError(
            f"unknown table {name!r}; known: {', '.join(sorted(_REGISTRY))}"
        ) from None


def all_tables() -> list[TableSpec]:
    return list(_REGISTRY.values())


__all__ = sorted(
    ["CORE_TABLES", "Column", "TableSpec", "all_tables", "register_table", "table_spec"]
)
