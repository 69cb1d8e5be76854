"""Key figures of a story: the same quantity as each outlet states it, disagreements side by side."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from monitor.store.story_digest import DigestArticle, DigestFigure

CLOSE = 1.05  # values within 5% of each other are the same quantity stated differently (28.5 vs 28.7 Mt)
MAX_LINES = 4
KIND_WORDS = {"mass": "tonnage", "money": "amount", "percent": "share", "deadline": "deadline"}
ATTRIBUTION_KINDS = ("agency", "bloc", "company")  # who a figure is credited to, when not just a country


@dataclass(frozen=True)
class FigureValue:
    """One value of a quantity, with the outlets that state it and who they credit it to."""

    label: str  # '28.5 Mt'
    outlets: tuple[str, ...]
    according_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class FigureLine:
    """A quantity of the story: one value when outlets agree, several when they do not."""

    kind: str
    values: tuple[FigureValue, ...]

    @property
    def disagreement(self) -> bool:
        return len(self.values) > 1

    @property
    def outlet_count(self) -> int:
        return len({outlet for value in self.values for outlet in value.outlets})


def _number(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def figure_label(figure: DigestFigure) -> str:
    """A figure in short standard form: '28.5 Mt', '$350 bn', '15%', 'by December'."""
    low, high = figure.value, figure.value_high
    if figure.kind == "mass" and figure.unit == "tonnes":
        scale, suffix = next(((s, u) for s, u in ((1e6, " Mt"), (1e3, " kt")) if max(low, high or 0) >= s * 10),
                             (1.0, " t"))
        return "–".join(_number(v / scale) for v in (low, high) if v is not None) + suffix
    if figure.kind == "money":
        scale, suffix = next(((s, u) for s, u in ((1e9, " bn"), (1e6, " m")) if low >= s), (1.0, ""))
        amount = "–".join(_number(v / scale) for v in (low, high) if v is not None) + suffix
        return f"${amount}" if figure.unit == "USD" else f"{figure.unit} {amount}"
    if figure.kind == "percent":
        return "–".join(_number(v) for v in (low, high) if v is not None) + "%"
    if figure.kind == "deadline":
        return figure.stated
    return f"{figure.stated}"


def _clusters(figures: list[DigestFigure]) -> list[list[DigestFigure]]:
    """Figures of one kind and unit grouped into quantities: values close to each other go together."""
    ordered = sorted(figures, key=lambda f: (f.value, f.value_high or 0))
    clusters: list[list[DigestFigure]] = []
    for figure in ordered:
        last = clusters[-1][-1] if clusters else None
        same = last is not None and (last.value_high is None) == (figure.value_high is None) and (
            last.value == figure.value if figure.kind == "deadline"
            else last.value > 0 and figure.value / last.value <= CLOSE)
        if same:
            clusters[-1].append(figure)
        else:
            clusters.append([figure])
    return clusters


def _line(kind: str, cluster: list[DigestFigure], outlet_of: dict[int, str]) -> FigureLine:
    by_label: dict[str, list[DigestFigure]] = defaultdict(list)
    common = Counter(f.stated for f in cluster).most_common(1)[0][0]  # one wording for one deadline
    for figure in cluster:
        by_label[common if kind == "deadline" else figure_label(figure)].append(figure)
    values = [FigureValue(label=label, outlets=tuple(dict.fromkeys(outlet_of[f.article_id] for f in group)),
                          according_to=tuple(dict.fromkeys(f.entity for f in group
                                                           if f.entity and f.entity_kind in ATTRIBUTION_KINDS)))
              for label, group in by_label.items()]
    values.sort(key=lambda v: (-len(v.outlets), v.label))
    return FigureLine(kind=kind, values=tuple(values))


def figure_lines(figures: tuple[DigestFigure, ...], articles: tuple[DigestArticle, ...],
                 limit: int = MAX_LINES) -> tuple[FigureLine, ...]:
    """The story's key quantities: those stated by most outlets first (disagreements before agreements
    at equal reach); quantities only one outlet states are kept only for a single-outlet story."""
    outlet_of = {article.id: article.outlet for article in articles}
    groups: dict[tuple[str, str], list[DigestFigure]] = defaultdict(list)
    for figure in figures:
        if figure.article_id in outlet_of:
            groups[(figure.kind, figure.unit)].append(figure)
    lines = [_line(kind, cluster, outlet_of) for (kind, _), group in groups.items() for cluster in _clusters(group)]
    several = len(set(outlet_of.values())) > 1
    lines = [line for line in lines if line.outlet_count > 1 or not several]
    lines.sort(key=lambda line: (-line.outlet_count, not line.disagreement, line.kind))
    return tuple(lines[:limit])


def describe_value(value: FigureValue) -> str:
    """'28.5 Mt (Natural Resources Ministry of Russia, 2 outlets)'."""
    count = len(value.outlets)
    credit = [*value.according_to[:1], f"{count} outlet{'s' if count != 1 else ''}"]
    return f"{value.label} ({', '.join(credit)})"


def describe_line(line: FigureLine) -> str:
    """'tonnage: 28.5 Mt (ministry, 2 outlets) vs 28.7 Mt (2 outlets)'."""
    return f"{KIND_WORDS.get(line.kind, line.kind)}: " + " vs ".join(describe_value(v) for v in line.values)

