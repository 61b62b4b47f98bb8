"""Invalid bytes in a preview address: the real `build.py serve` on 127.0.0.1, spoken to over raw sockets so no
client cleans the request up first. Each gets a 400, nothing is printed on the terminal, and the server keeps
answering."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sample_site import make_project
from tests.test_serve import Preview

BAD_TARGETS = [
    b"/%00",
    b"/numb-hands/%00",
    b"/a%00b/index.html",
    b"/assets/%00.css",
    b"/livereload.js%00",
    b"/%ff",
    b"/%c0%ae%c0%ae/build.py",  # overlong UTF-8 for "..", percent-encoded
    b"/\xc0\xae\xc0\xae/build.py",  # the same, as raw bytes
    b"/%ed%a0%80/",  # a UTF-16 surrogate encoded as UTF-8
    b"/\xff",
    b"/caf\xc3\xa9/",  # even valid UTF-8 must be percent-encoded in a request line
    b"/%01",
    b"/%7f",
    b"/%c2%85",  # U+0085, a C1 control
]


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    server = Preview(make_project(tmp_path_factory.mktemp("bad-requests") / "project"))
    yield server
    server.stop()


def request(preview: Preview, target: bytes) -> bytes:
    head = b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % preview.port
    return preview.raw(b"GET " + target + head)


def terminal(preview: Preview) -> list[str]:
    """Every line the server has printed so far. Tornado logs a failed request before it answers, and the harness
    reads the server's output on a thread; one more round trip gives that thread time to pass the lines on."""
    preview.get("/")
    preview.drain()
    return preview.lines


@pytest.mark.parametrize("target", BAD_TARGETS, ids=[repr(target)[2:-1] for target in BAD_TARGETS])
def test_invalid_bytes_in_the_address_are_a_quiet_400(preview: Preview, target: bytes) -> None:
    printed_before = len(terminal(preview))
    response = request(preview, target)
    assert response.startswith(b"HTTP/1.1 400 "), response[:200]
    assert b"Traceback" not in response and b"Error" not in response.split(b"\r\n\r\n", 1)[1]
    assert terminal(preview)[printed_before:] == []  # no traceback, no "Uncaught exception"
    assert preview.get("/")[0] == 200  # still answering
    assert preview.process.poll() is None


def test_a_raw_nul_in_the_request_line_is_refused_and_the_server_keeps_answering(preview: Preview) -> None:
    printed_before = len(terminal(preview))
    response = request(preview, b"/\x00")
    assert response.startswith(b"HTTP/1.1 400 "), response[:200]
    assert terminal(preview)[printed_before:] == []
    assert preview.get("/numb-hands/")[0] == 200


def test_ordinary_encoded_addresses_still_work(preview: Preview) -> None:
    assert request(preview, b"/numb-hands/").startswith(b"HTTP/1.1 200 ")
    assert request(preview, b"/numb%2Dhands/").startswith(b"HTTP/1.1 200 ")  # "%2D" is "-"
    assert request(preview, b"/no%20such%20page/").startswith(b"HTTP/1.1 404 ")
    assert request(preview, b"/caf%C3%A9/").startswith(b"HTTP/1.1 404 ")  # valid UTF-8, just no such page
