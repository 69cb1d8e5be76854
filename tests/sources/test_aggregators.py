"""Aggregator link decoding: the registry, Google's tokens and batchexecute wire format, Bing's apiclick."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, quote, urlencode

from hypothesis import given
from hypothesis import strategies as st
from news_fixtures import new_token, old_token

from monitor.sources.aggregators import (
    Decoded,
    alias_hosts,
    batchexecute_form,
    decode_google_token,
    decode_link,
    parse_garturlres,
    parse_signature,
    token_page_url,
)

ARTICLE = "https://www.reuters.com/world/china/china-curbs-rare-earth-exports-2024-07-01/"
# a real pre-2024 Google News link (BBC), as googlenewsdecoder documents it
BBC = ("https://news.google.com/rss/articles/CBMiLmh0dHBzOi8vd3d3LmJiYy5jb20vbmV3cy9hcnRpY2xlcy9jampqbnhkdjE4OG_SATJo"
       "dHRwczovL3d3dy5iYmMuY29tL25ld3MvYXJ0aWNsZXMvY2pqam54ZHYxODhvLmFtcA?oc=5")


def test_old_google_tokens_decode_offline():
    assert decode_link(BBC) == Decoded("google-news", url="https://www.bbc.com/news/articles/cjjjnxdv188o")
    assert decode_link(f"https://news.google.com/rss/articles/{old_token(ARTICLE)}?oc=5") == \
        Decoded("google-news", url=ARTICLE)


def test_new_google_tokens_need_the_online_protocol():
    token = new_token("x")
    assert decode_google_token(token) is None
    assert decode_link(f"https://news.google.com/rss/articles/{token}?oc=5") == Decoded("google-news", token=token)
    assert decode_link(f"https://news.google.com/read/{token}") == Decoded("google-news", token=token)


def test_bing_apiclick_carries_the_url():
    link = f"https://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=1&url={quote(ARTICLE, safe='')}&c=2"
    assert decode_link(link) == Decoded("bing", url=ARTICLE)
    assert decode_link("https://www.bing.com/news/apiclick.aspx?url=javascript:alert(1)") is None


def test_other_links_and_hosts_are_left_alone():
    assert decode_link(ARTICLE) is None
    assert decode_link("https://news.google.com/rss/search?q=rare+earth") is None
    assert decode_link("https://news.google.com/topics/CAAqBwgKMN") is None
    local = f"http://127.0.0.1:8000/rss/articles/{old_token(ARTICLE)}"
    assert decode_link(local) is None
    assert decode_link(local, alias_hosts("http://127.0.0.1:8000")) == Decoded("google-news", url=ARTICLE)


@given(st.text(min_size=1, max_size=300))
def test_arbitrary_tokens_never_raise(token):
    result = decode_google_token(token)
    assert result is None or result.startswith(("http://", "https://"))


@given(st.from_regex(r"https://[a-z]{1,20}\.(com|jp|cn)/[a-z0-9/_-]{0,200}", fullmatch=True))
def test_old_tokens_round_trip(url):
    assert decode_google_token(old_token(url)) == url


def test_token_page_keeps_the_feed_locale():
    feed = "https://news.google.com/rss/search?q=x&hl=ja&gl=JP&ceid=JP:ja"
    assert token_page_url("https://news.google.com/", "AbC", feed) == \
        "https://news.google.com/rss/articles/AbC?" + urlencode({"hl": "ja", "gl": "JP", "ceid": "JP:ja"})


def test_signature_and_batchexecute_wire_format():
    html = '<c-wiz><div jscontroller="aLI87" data-n-a-ts="1735689600" data-n-a-sg="AVdSig"></div></c-wiz>'
    assert parse_signature(html) == ("AVdSig", "1735689600")
    assert parse_signature("<html></html>") is None
    envelope = json.loads(batchexecute_form("TOK", "AVdSig", "1735689600")["f.req"])[0][0]
    assert envelope[0] == "Fbv4je" and json.loads(envelope[1])[0] == "garturlreq"
    assert json.loads(envelope[1])[2:] == ["TOK", 1735689600, "AVdSig"]
    assert parse_qs(urlencode(batchexecute_form("T", "S", "1")))["f.req"]


def test_garturlres_answers_plain_and_chunked():
    row = json.dumps([["wrb.fr", "Fbv4je", json.dumps(["garturlres", ARTICLE, 1]), None, None, None, "generic"],
                      ["di", 42], ["af.httprm", 41, "-1", 23]])
    assert parse_garturlres(f")]}}'\n\n{row}") == ARTICLE
    assert parse_garturlres(f")]}}'\n\n{len(row)}\n{row}\n25\n[[\"e\",4,null,null,130]]\n") == ARTICLE
    refused = json.dumps([["wrb.fr", "Fbv4je", None, None, None, [3], "generic"]])
    assert parse_garturlres(f")]}}'\n\n{refused}") is None
    assert parse_garturlres("<html>sorry</html>") is None
