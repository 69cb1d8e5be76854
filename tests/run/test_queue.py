"""Page queue messages: every Page survives the trip, anything else is refused clearly."""

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.models import Page, PageHints
from monitor.run.queue import BadMessage, decode_page, encode_page

text = st.text(max_size=40)
pages = st.builds(
    Page, url=text, source=text, fetched_at=text, body=st.binary(max_size=300), content_type=text,
    status=st.integers(100, 599), headers=st.lists(st.tuples(text, text), max_size=3).map(tuple),
    encoding=st.none() | text,
    hints=st.builds(PageHints, title=st.none() | text, published=st.none() | text,
                    published_source=st.none() | text, summary=st.none() | text, author=st.none() | text))


@given(pages)
@settings(max_examples=200, deadline=None)
def test_every_page_round_trips(page: Page) -> None:
    assert decode_page(encode_page(page)) == page
    assert decode_page(encode_page(page).encode("utf-8")) == page


@pytest.mark.parametrize("message", [b"", b"[]", b'{"v": 2, "page": {}}', b'{"v": 1, "page": {"url": 1}}',
                                     b'{"v": 1}', b"\xff\xfe", b'{"v": 1, "page": {"body": "!!"}}'])
def test_foreign_messages_are_bad_messages(message: bytes) -> None:
    with pytest.raises(BadMessage):
        decode_page(message)


def test_only_pages_are_encoded() -> None:
    with pytest.raises(TypeError):
        encode_page({"url": "x"})  # type: ignore[arg-type]


@given(st.binary(max_size=200))
@settings(max_examples=200, deadline=None)
def test_arbitrary_bytes_never_crash_the_decoder(message: bytes) -> None:
    with contextlib.suppress(BadMessage):
        decode_page(message)
