"""The language of an article: an ISO 639-1 code detected from its text, checked against the declared one.

Pages declare languages wrongly often enough (a template's `lang="en"` on every edition) that
the text decides; the declared code is kept when the text agrees with it (or names a close
variety: Serbian/Bosnian, Norwegian/Danish), when the text is too short for a reliable guess,
or when the declared language is one the model does not know (Greenlandic).
`Article.language` is what every later stage reads.
"""

from __future__ import annotations

import re
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from monitor.stages.prose import text_size

SAMPLE_CHARS = 600  # characters of text given to the classifier: plenty for a guess, cheap
MIN_DETECT_SIZE = 120  # Latin-equivalent characters below which the declared language wins
_CODE = re.compile(r"^\s*([a-zA-Z]{2,3})(?:[-_].*)?$")
# Codes py3langid returns that ISO 639-1 spells otherwise, and macro-languages it splits.
_ALIASES = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "nb": "no", "nn": "no", "zh-hant": "zh"}
_CLOSE = ({"no", "da"}, {"ms", "id"}, {"hr", "sr", "bs"}, {"ru", "uk", "be"}, {"fa", "ar", "ur"})


def declared_code(value: str | None) -> str | None:
    """The ISO 639-1 code of a declared language tag ('en-GB' -> 'en', 'zh_Hant' -> 'zh'), or None."""
    if not value:
        return None
    match = _CODE.match(value.split(",")[0])
    if not match:
        return None
    code = match.group(1).lower()
    code = _ALIASES.get(code, code)
    return code if len(code) == 2 else None


def detect_language(text: str, title: str = "", declared: str | None = None) -> str | None:
    """The article's language as an ISO 639-1 code; None when neither the text nor the page tells."""
    stated = declared_code(declared)
    sample = f"{title}\n{text[:SAMPLE_CHARS]}".strip()
    if text_size(sample) < MIN_DETECT_SIZE:
        return stated or (_classify(sample)[0] if sample else None)
    detected, _ = _classify(sample)
    if stated and (stated == detected or _related(stated, detected) or stated not in _known()):
        return stated  # agrees, a close variety (sr/bs, no/da), or a language the model cannot tell
    return detected


def _related(first: str, second: str) -> bool:
    return any(first in group and second in group for group in _CLOSE)


def _classify(sample: str) -> tuple[str, float]:
    code, probability = _identifier().classify(sample)
    return _ALIASES.get(str(code), str(code)), float(probability)


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(_ALIASES.get(str(code), str(code)) for code in _identifier().nb_classes)


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """py3langid's model with normalised probabilities (a confidence to weigh), loaded once."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
