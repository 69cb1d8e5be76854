"""The calibrated relevance model: a small logistic function over evidence features, weights as data.

Every feature is a plain function of the stored reasons (how much rare-earth, penalty and other-mineral
evidence, how many sentences name rare earths and a state act together, and whether the title carries
them), so a score can be retraced from its reasons.
The weights are fitted on the development sets by `bench/relevance.py --fit` and live in
data/relevance-model.toml; the intercept is shifted so that the chosen threshold is 0.5.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from monitor.models import Reason
from monitor.stages.entities import read_data

FEATURES = ("ree", "ree_x_clause", "penalty", "other_share", "title_ree", "title_both")


@dataclass(frozen=True)
class Model:
    """Logistic weights per feature plus the saturation scales that turn evidence into 0..1 features."""

    intercept: float = -4.0
    weights: tuple[float, ...] = (1.0, 6.0, -3.0, -1.5, 0.5, 1.0)
    ree_scale: float = 3.0
    clause_scale: float = 1.0  # sentences naming rare earths and a state act giving 63% of that signal
    penalty_scale: float = 4.0
    critical_alone_cap: float = 1.2
    full_length: float = 1500.0  # characters from which evidence scales are full
    shortest: float = 0.4  # the smallest scale factor, for the shortest items

    def probability(self, features: tuple[float, ...]) -> float:
        z = self.intercept + sum(w * f for w, f in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


def _saturate(evidence: float, scale: float) -> float:
    return 1.0 - math.exp(-max(evidence, 0.0) / scale)


def features(reasons: Iterable[Reason], model: Model, chars: int = 1500) -> tuple[float, ...]:
    """The model's inputs, in FEATURES order, from aggregated reasons of a text of `chars` characters.

    Short items (a wire flash, a headline and one sentence) carry less evidence however relevant they
    are, so the saturation scales shrink with the square root of the length below `full_length`.
    """
    short = min(1.0, max(model.shortest, math.sqrt(chars / model.full_length)))
    raw: dict[str, float] = defaultdict(float)
    title: set[str] = set()
    for reason in reasons:
        raw[reason.kind] += reason.weight
        if reason.where == "title" and reason.weight > 0:
            title.add("ree" if reason.kind in ("ree", "critical") else reason.kind)
    ree = raw["ree"] + (raw["critical"] if raw["ree"] > 0 else min(raw["critical"], model.critical_alone_cap))
    r, c = _saturate(ree, model.ree_scale * short), _saturate(raw["clause"], model.clause_scale)
    if raw["other"] > ree > 0:  # about other minerals, rare earths in passing: the rare-earth signal thins
        r *= math.sqrt(ree / raw["other"])
    other_share = raw["other"] / (raw["other"] + ree) if raw["other"] > 0 else 0.0
    return (r, r * c, max(raw["penalty"], 0.0) / model.penalty_scale,  # penalties do not saturate
            other_share, float("ree" in title), float({"ree", "policy"} <= title))


def read_model() -> Model:
    """The fitted model shipped in data/relevance-model.toml (defaults when the file has no [model])."""
    data = read_data("relevance-model.toml").get("model", {})
    weights = data.pop("weights", None)
    model = Model(**{k: v for k, v in data.items() if k in Model.__dataclass_fields__})
    if weights is not None:
        model = Model(**{**model.__dict__, "weights": tuple(float(weights.get(name, default))
                                                     for name, default in zip(FEATURES, model.weights, strict=True))})
    return model
