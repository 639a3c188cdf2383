"""The page objects' input type: headers of any shape, decoding and parsing done once, picklable bytes."""

from __future__ import annotations

import pickle
from types import SimpleNamespace

from crawler.pages import PageInput, parse_notice_board
from crawler.pages.web.notice_board import announced_total, embedded_board_url

LATIN1_PAGE = "<html><head><title>Räkmacka</title></head><body><p>Hej på dig</p></body></html>".encode("cp1252")


def test_headers_of_every_shape_read_the_same() -> None:
    shapes = [
        {"Content-Type": "text/html; charset=ISO-8859-1", "Set-Cookie": ["a=1", "b=2"]},
        {b"Content-Type": [b"text/html; charset=ISO-8859-1"], b"Set-Cookie": [b"a=1", b"b=2"]},
        [("content-type", "text/html; charset=ISO-8859-1"), ("set-cookie", "a=1"), ("Set-Cookie", "b=2")],
    ]
    for headers in shapes:
        page = PageInput("https://x.se/", headers, LATIN1_PAGE)
        assert page.header("CONTENT-TYPE") == "text/html; charset=ISO-8859-1"
        assert page.content_type == "text/html"
        assert page.header_values("set-cookie") == ["a=1", "b=2"]
        assert page.header("set-cookie") == "b=2"
    assert PageInput("https://x.se/").header("content-type") is None


def test_text_follows_the_charset_rules_and_is_decoded_once(monkeypatch: object) -> None:
    import crawler.pages.page_input as module

    calls = []
    real = module.decode_body

    def counting(*args: object, **kwargs: object) -> tuple[str, str]:
        calls.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "decode_body", counting)  # type: ignore[attr-defined]
    page = PageInput("https://x.se/", {"Content-Type": "text/html; charset=ISO-8859-1"}, LATIN1_PAGE)
    assert "Hej på dig" in page.text and page.encoding == "cp1252"
    assert page.tree is page.tree and page.tree is not None
    _ = page.text, page.encoding
    assert len(calls) == 1


def test_a_text_body_is_taken_as_it_is() -> None:
    page = PageInput("https://x.se/", None, "\ufeff<p>Hej på dig</p>")
    assert page.text == "<p>Hej på dig</p>"
    assert page.body == "\ufeff<p>Hej på dig</p>".encode("utf-8")


def test_from_response_reads_a_scrapy_like_response() -> None:
    response = SimpleNamespace(url="https://x.se/a", headers={b"Content-Type": [b"text/html"]}, body=b"<p>x</p>",
                               status=404)
    page = PageInput.from_response(response)
    assert (page.url, page.status, page.content_type, page.body) == ("https://x.se/a", 404, "text/html", b"<p>x</p>")


def test_pickled_input_carries_bytes_not_what_was_decoded() -> None:
    page = PageInput("https://x.se/", {"Content-Type": "text/html"}, LATIN1_PAGE, status=203)
    _ = page.text, page.tree
    data = pickle.dumps(page)
    assert b"Hej p" not in data.replace(LATIN1_PAGE, b"")  # the decoded text does not travel
    copy = pickle.loads(data)
    assert (copy.url, copy.headers, copy.body, copy.status) == (page.url, page.headers, page.body, 203)
    assert copy.text == page.text


def test_gzip_body_is_inflated_into_a_new_input() -> None:
    import gzip

    plain = PageInput("https://x.se/s.xml", None, b"<urlset/>")
    assert plain.gunzipped() is plain
    zipped = PageInput("https://x.se/s.xml.gz", {"Content-Type": "application/x-gzip"}, gzip.compress(b"<urlset/>"))
    inflated = zipped.gunzipped()
    assert inflated.body == b"<urlset/>" and inflated.url == zipped.url and inflated.headers == zipped.headers


def test_one_input_serves_every_reader_of_a_board() -> None:
    state = '{"pages": [{"title": "Anslag", "uri": "/anslag/1"}], "totalCount": 3}'
    html = f"<html><body><script>AppRegistry.registerInitialState('12.a',{state});</script></body></html>"
    page = PageInput("https://x.se/anslagstavla", None, html.encode())
    assert [n.title for n in parse_notice_board(page)] == ["Anslag"]
    assert announced_total(page) == 3
    assert embedded_board_url(page) is None
