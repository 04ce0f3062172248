"""Controlled vocabularies. Ingestion maps a platform's words onto these.

Why a closed list: metrics group by kind, and a typo ("coment") must be quarantined, not become
a new kind nobody counts.
"""

INTERACTION_KINDS: tuple[str, ...] = (
    "like",
    "reaction",
    "comment",
    "reply",
    "share",
    "retweet",
    "quote",
    "save",
    "view",
    "watch",
    "click",
    "link_click",
    "profile_visit",
    "follow",
    "unfollow",
    "mention",
    "tag",
    "dm",
    "download",
    "vote",
)

#: Kinds that are inbound conversation and may need an answer from the brand.
CONVERSATION_KINDS: tuple[str, ...] = ("comment", "reply", "mention", "tag", "dm", "quote")

#: Kinds that spread content into another network (amplification).
AMPLIFICATION_KINDS: tuple[str, ...] = ("share", "retweet", "quote")

#: Kinds that approve (applause).
APPLAUSE_KINDS: tuple[str, ...] = ("like", "reaction")

CONTENT_KINDS: tuple[str, ...] = (
    "post",
    "photo",
    "status",
    "link",
    "video",
    "reel",
    "story",
    "short",
    "tweet",
    "article",
    "email",
    "ad",
    "carousel",
    "live",
    "document",
    "poll",
    "quiz",
    "contest",
    "other",
)

#: interactive content: people answer (polls, quizzes) or enter (contests) instead of reading
INTERACTIVE_KINDS: tuple[str, ...] = ("poll", "quiz", "contest")

EMAIL_EVENT_KINDS: tuple[str, ...] = (
    "sent",
    "delivered",
    "open",
    "click",
    "unsubscribe",
    "bounce",
    "complaint",
)

PLATFORMS: tuple[str, ...] = (
    "facebook",
    "instagram",
    "x",
    "youtube",
    "tiktok",
    "linkedin",
    "web",
    "email",
    "reddit",
    "forum",
    "news",
    "blog",
    "review",
    "other",
)

__all__ = sorted(
    [
        "AMPLIFICATION_KINDS",
        "APPLAUSE_KINDS",
        "CONTENT_KINDS",
        "CONVERSATION_KINDS",
        "EMAIL_EVENT_KINDS",
        "INTERACTION_KINDS",
        "INTERACTIVE_KINDS",
        "PLATFORMS",
    ]
)
