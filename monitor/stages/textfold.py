"""Text folding for matching, one home: the same-length normalisations every matcher applies.

Same length matters: match offsets found in the folded text point into the original text.
"""

from __future__ import annotations

import re
import unicodedata

# Same-length replacements (chained str.replace is much faster than str.translate on long text).
_FOLD = (("-", " "), ("\u2010", " "), ("\u2011", " "), ("\u2013", " "), ("\u2014", " "), ("\n", " "),
         ("\t", " "), ("\r", " "), ("\xa0", " "), ("\u2019", "'"))
# Arabic-script variants folded to one letter (same length): Arabic/Persian yeh and kaf, teh marbuta,
# hamza carriers, Turkish dotted capital I (lowered as two characters otherwise), zero-width non-joiner.
_ARABIC_FOLD = (("\u064a", "\u06cc"), ("\u0649", "\u06cc"), ("\u0643", "\u06a9"), ("\u0629", "\u0647"),
                ("\u0623", "\u0627"), ("\u0625", "\u0627"), ("\u0622", "\u0627"), ("\u0671", "\u0627"),
                ("\u0624", "\u0648"), ("\u0626", "\u06cc"), ("\u200c", " "))
ARABIC = re.compile("[\u0600-\u06ff]")
MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # diacritics, tatweel


def slug(name: str) -> str:
    """A stable ASCII slug: 'Vladimir Putin' -> 'vladimir-putin', 'Türkiye' -> 'turkiye'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "x"


def is_cjk(char: str) -> bool:
    """Kana, CJK ideographs and full-width forms: scripts written without spaces."""
    return "\u3040" <= char <= "\u30ff" or "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\uffef"


def is_cyrillic(char: str) -> bool:
    """Basic Cyrillic, where Russian case endings follow a stem."""
    return "\u0400" <= char <= "\u04ff"


def unify(text: str) -> str:
    """Dashes and line breaks as spaces, curly apostrophes straight: same length as the input."""
    for old, new in _FOLD:
        if old in text:
            text = text.replace(old, new)
    return text


def fold(text: str) -> str:
    """Lower-cased `unify`: same length as the input."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text).replace("\u0130", "i")
    if ARABIC.search(lowered):
        for old, new in _ARABIC_FOLD:
            lowered = lowered.replace(old, new)
    return unify(lowered)
