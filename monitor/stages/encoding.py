"""Decoding a page's bytes once, right: the declared charset unless it is wrong, then UTF-8, then a guess.

Servers and `<meta>` tags often declare a charset the bytes are not in (UTF-8 pages served as
ISO-8859-1 give `sanciÃ³n`, `fÃ¼r`). Valid multi-byte UTF-8 is almost never an accident in a
legacy encoding, so it wins over a declared single-byte charset; a declared charset that
fails is read as its common superset (GB2312 as GB18030, Shift_JIS as CP932) before a guess.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

# Declared names whose real-world use is a superset: decoding with the superset never loses text.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932", "euc_kr": "cp949",
              "big5": "big5hkscs", "latin_1": "cp1252", "iso8859_1": "cp1252", "ascii": "cp1252",
              "iso8859_9": "cp1254", "tis_620": "cp874", "iso8859_11": "cp874"}
# When several legacy encodings read a text equally well, the one most used on news sites wins.
_POPULAR = ("cp1251", "cp1252", "koi8_r", "gb18030", "gb2312", "cp932", "shift_jis", "euc_jp", "big5",
            "euc_kr", "iso8859_2", "cp1250", "latin_1")


def looks_binary(body: bytes) -> bool:
    """True when a body has NUL bytes or many control characters: not text in any encoding."""
    sample = body[:4096]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return controls > len(sample) * 0.05


def codec_name(label: str | None) -> str | None:
    """Python's codec name for a charset label ('ISO-8859-1' -> 'iso8859-1'), None when unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("'\"")).name.replace("-", "_")
    except LookupError:
        return None
    # a page that reached us as text without NUL bytes is not UTF-16/32, whatever it says
    return None if name.startswith(("utf_16", "utf_32")) else name


def _utf8(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def decode_text(body: bytes, declared: str | None = None) -> str | None:
    """Text from bytes: valid UTF-8 when the bytes are, else the declared charset (or its superset),
    else the best legacy guess; None if binary. A leading byte-order mark is dropped."""
    if looks_binary(body):
        return None
    utf8 = _utf8(body)
    codec = codec_name(declared)
    if utf8 is not None and (codec in (None, "utf_8", "utf_8_sig") or not body.isascii()):
        return utf8.lstrip("\ufeff")
    if codec is not None:
        for name in (codec, _SUPERSETS.get(codec)):
            if name:
                try:
                    return body.decode(name).lstrip("\ufeff")
                except UnicodeDecodeError:
                    continue
    return _guess_legacy(body)


def _guess_legacy(body: bytes) -> str | None:
    results = list(from_bytes(body))
    if not results:
        return None
    least_chaos = min(match.chaos for match in results)
    tied = [match for match in results if match.chaos <= least_chaos + 0.01]
    tied.sort(key=lambda m: _POPULAR.index(m.encoding) if m.encoding in _POPULAR else len(_POPULAR))
    return str(tied[0])
