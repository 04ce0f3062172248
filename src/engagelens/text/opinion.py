"""The sentiment decision after the model: intent cues and opinion evidence decide when the
model's label stands.

Why: each head learned from one domain; the airline tweets taught it "question ⇒ negative",
so "Sunday hours are 7am to 6pm" came out −0.93. The rules, in order:

1. **Neutral without opinion evidence** — a question, purchase question or informational text
   (opening hours, announcements, brand replies; :func:`.intent.cues`) with no opinion
   evidence is ``neutral, 0.0``. Opinion evidence = a complaint or praise cue, enthusiasm
   ("take my money"), a polarity-lexicon word (:mod:`.polarity`) or an emoji with a polarity.
2. **Cues outrank incidental n-grams** — a complaint (a problem described) without praise is
   negative; praise or enthusiasm without a complaint is positive. The score keeps the model's
   magnitude when it agrees and is at least 0.5 in the cue's direction when it does not.
   With both, a contrast word decides: the clause after the last "but" (nhưng, ولی, 但是, 就是)
   carries the conclusion — "Love the shoes, but they sent the wrong size" is negative.
3. Otherwise (mixed cues, or evidence the cues do not cover) the model's label stands.

Applied by :func:`.pipeline.analyze` to backends that set ``cue_decision = True`` (the linear
default, whose heads are domain-bound); a transformers checkpoint or a test double is taken
as it answers.
"""

from __future__ import annotations

from .base import Sentiment
from .intent import Cues
from .lexicon import TaggedPhrases, emoji_polarity
from .polarity import NEGATIVE, POSITIVE

#: the score a cue-decided label gets at least, when the model leaned the other way
CUE_SCORE = 0.5
#: longer texts are left to the model: the cue lists see too little of a long story
MAX_WORDS = 20
_POLARITY = TaggedPhrases({"pos": POSITIVE, "neg": NEGATIVE})


def has_opinion_word(model_text: str, neutralised: tuple[tuple[int, int], ...] = ()) -> bool:
    """A polarity-lexicon word (any language) occurs in the text, outside the ``neutralised``
    spans of set phrases ("no problem", "vui lòng")."""
    return any(
        not any(cs <= s and e <= ce for cs, ce in neutralised)
        for s, e, _ in _POLARITY.spans(model_text)
    )


def decide(
    sent: Sentiment,
    cue: Cues,
    model_text: str,
    emojis: tuple[str, ...] | list[str] = (),
    *,
    binary: bool = False,
) -> Sentiment:
    """The final label and score of one text (see the module docstring). ``binary``
    (positive/negative tasks) skips rule 1: such a task has no neutral to give."""
    if not model_text:
        return sent
    if cue.length > MAX_WORDS:
        return sent
    it = cue.intent
    negative = cue.listed_complaint
    praise = cue.listed_praise
    positive = (praise and not cue.gratitude_only) or cue.enthusiasm
    pol = emoji_polarity(emojis)
    if negative and positive and cue.after_contrast == "complaint":
        return {"label": "negative", "score": min(float(sent["score"]), -CUE_SCORE)}
    if negative and positive and cue.after_contrast == "praise":
        return {"label": "positive", "score": max(float(sent["score"]), CUE_SCORE)}
    if negative and not positive and not praise:
        return {"label": "negative", "score": min(float(sent["score"]), -CUE_SCORE)}
    if positive and not negative:
        return {"label": "positive", "score": max(float(sent["score"]), CUE_SCORE)}
    if negative or praise or cue.enthusiasm or cue.why or (pol is not None and pol != 0.0):
        return sent
    informational = it.is_question or it.is_purchase_intent or cue.info
    if not binary and informational and not has_opinion_word(model_text, cue.neutralised):
        return {"label": "neutral", "score": 0.0}
    return sent


__all__ = ["CUE_SCORE", "decide", "has_opinion_word"]
