"""Credentials never leave the ``Authorization`` header: one set of redaction rules for every text we keep.

APIs echo what they were sent. Graph answers a bad token with
``{"error": {"message": "Malformed access token <token>", "code": 190}}``, writes
``access_token=…`` into its ``paging.next`` links, and an X problem ``detail`` may
quote the request. Anything built from such an answer — an error row, a log line,
a sources.jsonl line, a store row, the report, the WARC archive — goes through a
:class:`Redactor` first. The rules (shared with crawler/warc.py):

* every credential value the crawl knows (each ``token_env`` variable of the
  config; the request's own ``Authorization``/``Cookie`` values) is replaced by
  ``[redacted]`` wherever it appears;
* the value of a credential query parameter (``access_token=…`` and the names in
  :data:`SECRET_PARAMS`) is replaced, in URLs and in free text;
* in short texts (error messages, log lines) a run of token characters that shares
  :data:`MIN_SECRET` or more consecutive characters with a known credential is
  replaced too: a server that quotes a truncated token leaks it just the same.

Tokens shorter than :data:`MIN_SECRET` are not searched for (they would hit
innocent text); real API tokens are far longer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: Query parameters that are credentials and must never be requested, logged or stored.
SECRET_PARAMS = frozenset({"access_token", "appsecret_proof", "client_secret", "oauth_token", "token", "bearer_token"})
REDACTED = "[redacted]"
#: Shortest credential searched for in text; also the shortest shared run that counts as a leak.
MIN_SECRET = 8
#: ``access_token=…`` and the like inside header values and bodies (JSON, HTML, text).
SECRET_PARAM_TEXT = re.compile(
    r"(?i)(?<![A-Za-z0-9_])(" + "|".join(sorted(map(re.escape, SECRET_PARAMS))) + r")=([^&\s\"'<>\\]+)")
#: Characters tokens are made of (OAuth bearer tokens, JWTs, Graph's EAA… tokens).
_TOKEN_RUN = re.compile(r"[A-Za-z0-9\-._~+/=]{" + str(MIN_SECRET) + ",}")


def strip_secrets(url: str) -> str:
    """``url`` without credential query parameters (Graph's ``paging.next`` embeds the token)."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(k.lower() in SECRET_PARAMS for k, _ in pairs):
        return url
    kept = [(k, v) for k, v in pairs if k.lower() not in SECRET_PARAMS]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment))


class Redactor:
    """Replaces known credentials (and credential parameters) in the texts the crawl keeps."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets: list[str] = []
        self._pieces: re.Pattern[str] | None = None
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        """More credentials to look for (longest first, so ``Bearer X`` goes before ``X``)."""
        known = set(self.secrets)
        known.update(s.strip() for s in secrets if s and len(s.strip()) >= MIN_SECRET)
        if known == set(self.secrets):
            return
        self.secrets = sorted(known, key=len, reverse=True)
        pieces = {secret[i:i + MIN_SECRET] for secret in self.secrets for i in range(len(secret) - MIN_SECRET + 1)}
        self._pieces = re.compile("|".join(map(re.escape, sorted(pieces))))

    def __bool__(self) -> bool:
        return bool(self.secrets)

    def text(self, value: str) -> str:
        """``value`` with credentials, credential parameters and pieces of credentials replaced."""
        if not value:
            return value
        new = value
        for secret in self.secrets:
            if secret in new:
                new = new.replace(secret, REDACTED)
        if "=" in new:
            new = SECRET_PARAM_TEXT.sub(lambda m: f"{m.group(1)}={REDACTED}", new)
        return self.pieces(new)

    def pieces(self, value: str) -> str:
        """Runs of token characters that contain MIN_SECRET consecutive characters of a credential."""
        pieces = self._pieces
        if pieces is None or not pieces.search(value):
            return value
        return _TOKEN_RUN.sub(lambda m: REDACTED if pieces.search(m.group(0)) else m.group(0), value)

    def value(self, data: Any) -> Any:
        """A JSON-like value (dicts, lists, strings) with every string redacted."""
        if isinstance(data, str):
            return self.text(data)
        if isinstance(data, dict):
            return {self.text(k) if isinstance(k, str) else k: self.value(v) for k, v in data.items()}
        if isinstance(data, (list, tuple)):
            return [self.value(v) for v in data]
        return data


def config_secrets(loaded: Any) -> list[str]:
    """The values of every ``token_env`` variable the config names (set ones only)."""
    values = []
    for org in loaded.config.org:
        for source in org.social:
            env = getattr(source, "token_env", None)
            if env and os.environ.get(env):
                values.append(os.environ[env])
    return values


#: The crawl process's redactor: every credential of the config (crawler/run.py adds them before any spider
#: starts; a spider adds its own token). Process-wide because the log formatter and every tracker share it.
_PROCESS = Redactor()


def process_redactor() -> Redactor:
    return _PROCESS
