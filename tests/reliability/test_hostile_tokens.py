"""Issue 12 §2: tokens must not leak through API error messages (sources.jsonl, store, report, logs, WARC).

The servers answer every credentialed request with an error that quotes the token, the way
Graph really does (``Malformed access token <token>``, code 190), cut short, inside a
rate-limit message, and in both of X's error envelopes (a 401 problem ``detail`` and a 200
with ``errors[].detail``). Every file the run leaves behind — outputs, store (and its WAL),
config, the decompressed WARC — and both output streams are grepped for the tokens and for
12-character pieces of them.
"""

from __future__ import annotations

import gzip
import secrets
from pathlib import Path

import pytest

from tests.reliability.harness import ORG, jsonl, run_config, store_rows
from tests.reliability.hostile_apis import (
    Request,
    Scripted,
    bearer,
    graph_post,
    json_answer,
    serving,
)
from tests.support.config import config_toml

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def graph_app() -> Scripted:
    def malformed(request: Request) -> object:  # Graph's real wording for a token it cannot parse
        return json_answer({"error": {"message": f"Malformed access token {bearer(request)}", "type": "OAuthException",
                                      "code": 190, "fbtrace_id": "AbC1"}}, status=400)

    def truncated(request: Request) -> object:  # a prefix of the token is a leak too
        return json_answer({"error": {"message": "Invalid OAuth access token - Cannot parse access token: "
                                                 f"{bearer(request)[:24]}...", "type": "OAuthException", "code": 190}},
                           status=400)

    def throttled(request: Request) -> object:
        return json_answer({"error": {"message": f"(#32) Page request limit reached for {bearer(request)}",
                                      "type": "OAuthException", "code": 32}}, status=403)

    def echoed_in_a_post(request: Request) -> object:  # not an error: a post that quotes the token
        return json_answer({"data": [graph_post("4716_1", f"Debug: {bearer(request)} och access_token=abc")],
                            "paging": {}})

    return Scripted("graph", {"/v21.0/4711/posts": malformed, "/v21.0/4713/media": truncated,
                              "/v21.0/4714/posts": throttled, "/v21.0/4716/posts": echoed_in_a_post})


def x_app() -> Scripted:
    def forbidden(request: Request) -> object:  # the X adapter's `detail` path: 200 with errors only
        return json_answer({"errors": [{"title": "Forbidden", "type": "about:blank",
                                        "detail": f"Bearer {bearer(request)} may not read user 4712"}]})

    def unauthorized(request: Request) -> object:
        return json_answer({"title": "Unauthorized", "type": "about:blank", "status": 401,
                            "detail": f"Unauthorized: token {bearer(request)} is not valid"}, status=401)

    return Scripted("x", {"/2/users/4712/tweets": forbidden, "/2/users/4715/tweets": unauthorized})


def everything_written(tmp_path: Path, *streams: str) -> dict[str, str]:
    """Every file under ``tmp_path`` (gzip members decompressed) and the given streams, as text."""
    texts = {f"stream {i}": text for i, text in enumerate(streams)}
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.name.endswith(".gz"):
                data = gzip.decompress(data)
            texts[str(path)] = data.decode("latin-1")
    return texts


def test_tokens_echoed_in_api_errors_never_reach_any_output(tmp_path: Path) -> None:
    fb, xt = f"EAAFBCANARY{secrets.token_hex(16)}", f"AAAAXCANARY{secrets.token_hex(16)}"
    graph, x = graph_app(), x_app()
    with serving((graph, "127.0.0.1"), (x, "127.0.0.1")) as base:
        config = config_toml([{"id": ORG, "social": [
            {"platform": "facebook", "page_id": "4711", "token_env": "FB_TOKEN", "api": base["graph"]},
            {"platform": "instagram", "user_id": "4713", "token_env": "FB_TOKEN", "api": base["graph"]},
            {"platform": "facebook", "page_id": "4714", "token_env": "FB_TOKEN", "api": base["graph"]},
            {"platform": "facebook", "page_id": "4716", "token_env": "FB_TOKEN", "api": base["graph"]},
            {"platform": "x", "user_id": "4712", "token_env": "X_TOKEN", "api": base["x"]},
            {"platform": "x", "user_id": "4715", "token_env": "X_TOKEN", "api": base["x"]},
        ]}], retries=0, timeout_seconds=10.0)
        result = run_config(tmp_path, config, "--verbose", "--warc",
                            env={"FB_TOKEN": fb, "X_TOKEN": xt, "PARITY_DEBUG": "1"})
    assert result.code == 4, result.stderr[-3000:]
    # Every credentialed request did carry its token (so every answer quoted it) ...
    assert len(graph.seen) == 4 and all(s.authorization == f"Bearer {fb}" for s in graph.seen)
    assert len(x.seen) == 2 and all(s.authorization == f"Bearer {xt}" for s in x.seen)
    # ... and the error rows keep the servers' words, with the token replaced.
    errors = {s["url"]: s["error"] or "" for s in result.sources() if s["status"] != "ok"}
    assert len(errors) == 5 and len(result.sources()) == 6
    [quoted] = jsonl(result.out / "posts.jsonl")  # the one answer that was not an error: kept, token replaced
    assert quoted["text"] == "Debug: [redacted] och access_token=[redacted]"
    assert "Malformed access token [redacted]" in errors["https://www.facebook.com/4711"]
    assert "Cannot parse access token: [redacted]" in next(e for u, e in errors.items() if "4713" in u)
    assert "rate_limited" in errors["https://www.facebook.com/4714"] and "[redacted]" in errors[
        "https://www.facebook.com/4714"]
    assert "Bearer [redacted] may not read" in errors["https://x.com/i/user/4712"]
    assert "token [redacted] is not valid" in errors["https://x.com/i/user/4715"]
    stored = " ".join(str(row) for row in store_rows(result.store, "SELECT error, detail FROM sources"))
    assert stored.count("[redacted]") >= 5
    texts = everything_written(tmp_path, result.stdout, result.stderr)
    assert {"sources.jsonl", "report.html", "summary.json", "crawl.warc.gz", "store.sqlite"} <= {
        Path(k).name for k in texts}
    assert "Malformed access token [redacted]" in texts[str(result.out / "report.html")]
    for where, text in texts.items():
        for canary in (fb, xt, fb[11:23], xt[11:23], fb[-12:], xt[-12:]):
            assert canary not in text, f"token piece {canary!r} leaked into {where}"
