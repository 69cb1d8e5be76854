"""Console lines carry titles and file names written by strangers: no control or bidi-override characters."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st

from monitor.alerting.delivery import Message
from monitor.alerting.notify import console_send
from monitor.stages.clean import terminal_safe

UNSAFE = {*map(chr, range(0x00, 0x09)), *map(chr, range(0x0B, 0x20)), *map(chr, range(0x7F, 0xA0)),
          "\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


@given(st.text())
def test_terminal_safe_removes_exactly_the_unsafe_characters(text):
    safe = terminal_safe(text)
    assert not UNSAFE & set(safe)
    assert safe == "".join(c for c in text if c not in UNSAFE)


def test_scripts_that_need_joiners_keep_them():
    assert terminal_safe("می\u200cخواهم 👩\u200d🔬") == "می\u200cخواهم 👩\u200d🔬"
    assert terminal_safe("a\tb") == "a\tb"


def test_console_alert_lines_are_stripped():
    stream = io.StringIO()
    console_send(stream, Message(title="t", text="evil\u202etxt.md\x1b[2J\nsecond\x07 line", markdown="", html=""))
    assert stream.getvalue() == "\nALERT eviltxt.md[2J\nsecond line\n"
