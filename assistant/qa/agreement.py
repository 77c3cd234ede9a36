"""How far two raters agree on the same records: observed agreement and Cohen's kappa
(agreement beyond what the raters' own score mixes would give by chance)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable

from pydantic import BaseModel


class Agreement(BaseModel):
    n: int
    agreed: int
    observed: float | None  # share of records scored alike
    kappa: float | None  # None when undefined: no records, or both raters always gave one same score


def agreement(pairs: Iterable[tuple[Hashable, Hashable]]) -> Agreement:
    """Cohen's kappa over (first rater, second rater) scores: (p_o - p_e) / (1 - p_e), with
    p_e the chance of agreeing given how often each rater uses each score."""
    pairs = list(pairs)
    n = len(pairs)
    if n == 0:
        return Agreement(n=0, agreed=0, observed=None, kappa=None)
    agreed = sum(1 for first, second in pairs if first == second)
    observed = agreed / n
    firsts, seconds = Counter(p[0] for p in pairs), Counter(p[1] for p in pairs)
    expected = sum(firsts[score] * seconds[score] for score in firsts) / (n * n)
    kappa = None if expected == 1 else (observed - expected) / (1 - expected)
    return Agreement(n=n, agreed=agreed, observed=round(observed, 4), kappa=None if kappa is None else round(kappa, 4))
