"""Reviews of recorded sends: the automatic scorecard of every send, and reviewers'
scores beside it.

The automatic scores are computed lazily: the first time a send is read for QA (the
audit, its reviews, the aggregates, an export), from its stored report on the current
scorecard of its guide, then kept. So every recorded send has them without the gate
waiting on QA, and a changed scorecard scores old sends anew while the scores on the
old one stay. A bulk audit keeps the scores it computed while checking."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..guide import Guide
from ..model import Report
from ..store import Principal, Review, Store
from .scorecard import Scorecard, default_scorecard
from .scoring import score_report, weighted_total

COMMENT_CHARS = 4000


class ReviewRefused(ValueError):
    """Scores that do not fit the scorecard (422); the message names the item."""


class ScorecardChanged(ValueError):
    """The reviewer scored on a scorecard version that is no longer the guide's (409)."""


@dataclass(frozen=True)
class Scoreable:
    """What scoring needs of a send, whichever way it was read."""

    id: str
    guide_id: str
    report: dict[str, Any]


def scorecard_for(guides: Mapping[str, Guide], guide_id: str) -> Scorecard:
    """The scorecard of the guide a send was checked with (the default one if that guide
    is gone)."""
    guide = guides.get(guide_id)
    return guide.section("scorecard", Scorecard) if guide is not None else default_scorecard()


def automatic(store: Store, guides: Mapping[str, Guide], organisation: str, sends: Iterable[Scoreable]) -> dict:
    """send id -> its automatic Review on its guide's current scorecard, made and kept
    for the sends that have none yet."""
    sends = list(sends)
    kept = {
        (review.send_id, review.scorecard["digest"]): review
        for review in store.reviews.of_sends(organisation, [s.id for s in sends], kind="auto")
    }
    out: dict[str, Review] = {}
    for send in sends:
        card = scorecard_for(guides, send.guide_id)
        review = kept.get((send.id, card.ref.digest))
        if review is None:
            scores = score_report(Report.model_validate(send.report), card)
            review = store.reviews.save_auto(
                organisation,
                send.id,
                scores.scorecard.model_dump(),
                {key: item.score for key, item in scores.items.items()},
                scores.total,
            )
        out[send.id] = review
    return out


def submit(
    store: Store,
    guides: Mapping[str, Guide],
    principal: Principal,
    send: Scoreable,
    *,
    scores: dict[str, int | None],
    comments: dict[str, str],
    comment: str,
    reviewer: str,
    version: str | None = None,
) -> Review | None:
    """A reviewer's scores on a send, on its guide's current scorecard (every item; null
    for one that does not apply). None if the organisation has no such send."""
    card = scorecard_for(guides, send.guide_id)
    if version is not None and version != card.version:
        raise ScorecardChanged(
            f"The scorecard is now version {card.version}, not {version}: reload the record and score it again."
        )
    _check_scores(card, scores, comments)
    return store.reviews.add(
        principal.organisation,
        send.id,
        key_id=principal.key_id,
        reviewer=reviewer,
        scorecard=card.ref.model_dump(),
        scores={key: scores.get(key) for key in card.items},
        comments={key: text for key, text in comments.items() if text.strip()},
        comment=comment,
        total=weighted_total(card, scores),
    )


def _check_scores(card: Scorecard, scores: dict[str, int | None], comments: dict[str, str]) -> None:
    unknown = sorted((set(scores) | set(comments)) - set(card.items))
    if unknown:
        raise ReviewRefused(
            f"scores: no such item on the scorecard: {', '.join(unknown)}; items: {', '.join(card.items)}"
        )
    missing = [key for key in card.items if key not in scores]
    if missing:
        raise ReviewRefused(f"scores: score every item (null when it does not apply); missing: {', '.join(missing)}")
    for key, score in scores.items():
        if score is not None and not 0 <= score <= card.top:
            raise ReviewRefused(f"scores.{key}: {score} is off the scale 0-{card.top}")
