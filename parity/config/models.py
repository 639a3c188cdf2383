"""The audit config's models (README "Config"; ../shared/contracts.md, "Config"), one per table.

A nightly scheduler runs this unattended; a typo must fail loudly (exit 2) with a
line that says where, never be silently ignored. Every model forbids unknown
keys for that reason; :mod:`parity.config.load` turns pydantic's errors into lines.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from parity.core.embeddings import DEFAULT_EMBEDDINGS, EmbeddingMode

_ORG_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CrawlSettings(_Strict):
    """Crawl and audit defaults; every key optional (the contract's ``[crawl]`` table)."""

    delay_seconds: float = Field(1.0, ge=0)
    concurrency_per_host: int = Field(1, ge=1, le=32)
    obey_robots: bool = True
    user_agent: str = "reach-parity/1.0 (+https://example.org/contact)"
    grace_hours: float = Field(24.0, ge=0)
    window_days: int = Field(30, ge=1)
    # Extensions (not in the contract, all optional).
    timeout_seconds: float = Field(30.0, gt=0)
    retries: int = Field(3, ge=0, le=10)
    max_pages_per_source: int = Field(2000, ge=1)
    max_sitemap_depth: int = Field(
        3, ge=0, description="how deep sitemap indexes may nest below the configured sitemap (an index of indexes "
        "is depth 2); deeper ones are not read and the source is partial")
    max_sitemaps_per_source: int = Field(
        200, ge=1, description="child sitemaps read per source (for a `site` source also the feeds, sitemaps, lists "
        "and boards it discovers); they also count against max_pages_per_source; more ⇒ the source is partial")
    max_document_bytes: int = Field(20 * 1024 * 1024, ge=1024)
    max_document_pages: int = Field(
        1000, ge=1, description="a linked PDF with more pages is not read: error row document_too_costly")
    max_document_seconds: float = Field(
        30.0, gt=0, description="extraction time one document may cost (in a worker process); past it: error row "
        "document_too_costly (a page that never ends: its worker is stopped 5 s later)")
    autothrottle: bool = True
    follow_documents: bool = True
    allow_offsite_redirects: bool = False
    allow_private_addresses: bool = Field(
        False, description="follow links, redirects and WebFinger answers to hosts that resolve to loopback, "
        "private, link-local or unique-local addresses (hosts named in the config are always allowed)")
    max_retry_after_seconds: float = Field(
        60.0, ge=0, description="longest Retry-After / rate-limit reset we wait for; longer ⇒ the request fails")
    recheck_days: float | None = Field(
        7.0, ge=0, description="after a complete run, social accounts are re-read only this far back (plus anything "
        "new since the last run); edits and deletions are detected in that range; >= window_days re-reads the whole window")
    warc: bool = Field(
        False, description="write every downloaded response (web and social APIs) to <out dir>/crawl.warc.gz, "
        "the evidence archive; credentials redacted (also: --warc)")


class StoreSettings(_Strict):
    """Where the audit's store lives (extension; ``--store`` overrides it).

    A ``postgresql://`` URL (a database shared by crawl workers and readers; the
    ``postgres`` extra) or a SQLite file path, relative to the config's folder.
    Unset: ``reports/<config-stem>/parity.sqlite``. Keep a password out of the URL
    (``~/.pgpass`` or ``PGPASSWORD``): the config is often in version control.
    """

    url: str | None = None

    @field_validator("url")
    @classmethod
    def _url_or_path(cls, value: str | None) -> str | None:
        if value is not None and "://" in value and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("a postgresql:// URL or a SQLite file path")
        if value is not None and not value.strip():
            raise ValueError("empty; leave the key out for the default store")
        return value


class MatchSettings(_Strict):
    """Matcher options (extension): exclusion rules and the optional dense signal."""

    exclude: list[str] = Field(default_factory=list, description="regular expressions; a matching post is excluded")
    rules: list[Literal["greetings", "engagement", "empty"]] = Field(
        default_factory=list, description="built-in exclusion rules (short greetings, pure engagement, empty posts)")
    use_embeddings: EmbeddingMode = DEFAULT_EMBEDDINGS

    @field_validator("exclude")
    @classmethod
    def _regexes(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {pattern!r} ({exc})") from None
        return patterns


class _WebSourceBase(_Strict):
    api: str | None = None
    name: str | None = None


class FeedSource(_WebSourceBase):
    type: Literal["feed"]
    url: str


class SitemapSource(_WebSourceBase):
    type: Literal["sitemap"]
    url: str
    include: list[str] = Field(default_factory=list, description="regex on paths; only matching URLs are fetched")
    exclude: list[str] = Field(default_factory=list)


class ListingSource(_WebSourceBase):
    type: Literal["listing"]
    url: str
    follow: str | None = None
    selectors: dict[str, str] | None = None
    max_pages: int = Field(20, ge=1)


class NoticeBoardSource(_WebSourceBase):
    type: Literal["notice_board"]
    url: str


class PageSource(_WebSourceBase):
    type: Literal["page"]
    url: str


class SiteSource(_WebSourceBase):
    type: Literal["site"]
    url: str


class RegisterSource(_WebSourceBase):
    type: Literal["register"]
    path: str


WebSource = Annotated[
    Union[FeedSource, SitemapSource, ListingSource, NoticeBoardSource, PageSource, SiteSource, RegisterSource],
    Field(discriminator="type"),
]


class _SocialBase(_Strict):
    api: str | None = None


class MastodonSource(_SocialBase):
    platform: Literal["mastodon"]
    account: str

    @field_validator("account")
    @classmethod
    def _acct(cls, value: str) -> str:
        value = value.strip().lstrip("@")
        if "@" not in value:
            raise ValueError("expected user@instance, e.g. uppsala@mastodon.nu")
        return value


class BlueskySource(_SocialBase):
    platform: Literal["bluesky"]
    account: str


class YoutubeSource(_SocialBase):
    platform: Literal["youtube"]
    channel_id: str


class RssSocialSource(_SocialBase):
    platform: Literal["rss"]
    url: str
    as_platform: str | None = Field(None, description="platform name to record, e.g. facebook for a bridge")


class FacebookSource(_SocialBase):
    platform: Literal["facebook"]
    page_id: str
    token_env: str


class InstagramSource(_SocialBase):
    platform: Literal["instagram"]
    user_id: str
    token_env: str


class XSource(_SocialBase):
    platform: Literal["x"]
    user_id: str
    token_env: str


class FileSource(_SocialBase):
    platform: Literal["file"]
    path: str
    format: Literal["auto", "posts_jsonl", "meta_csv", "generic_csv", "json"] = "auto"
    as_platform: str | None = None
    columns: dict[str, str] | None = Field(
        None, description="our field → the file's column name (id, published_at, text, url, links, platform, "
        "account, kind, lang, image, alt); see crawler/exports_import.py")
    timezone: str | None = Field(None, description="IANA zone of times without one in the file (default Europe/Stockholm)")


SocialSource = Annotated[
    Union[
        MastodonSource,
        BlueskySource,
        YoutubeSource,
        RssSocialSource,
        FacebookSource,
        InstagramSource,
        XSource,
        FileSource,
    ],
    Field(discriminator="platform"),
]


def _tags(union: Any, key: str) -> tuple[str, ...]:
    """The discriminator values of a union of source models, in declaration order."""
    return tuple(get_args(model.model_fields[key].annotation)[0] for model in get_args(get_args(union)[0]))


#: every ``platform`` a ``social = [...]`` source may name (read off the models: written once)
SOCIAL_PLATFORMS: tuple[str, ...] = _tags(SocialSource, "platform")


class Org(_Strict):
    id: str
    name: str | None = None
    web: list[WebSource] = Field(default_factory=list)
    social: list[SocialSource] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _ORG_ID.match(value):
            raise ValueError("use lower-case letters, digits, '.', '_' or '-' (e.g. uppsala-kommun)")
        return value


class AuditConfig(_Strict):
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    match: MatchSettings = Field(default_factory=MatchSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    org: list[Org] = Field(default_factory=list, min_length=1)

    @model_validator(mode="after")
    def _unique_orgs(self) -> "AuditConfig":
        seen: set[str] = set()
        for index, org in enumerate(self.org):
            if org.id in seen:
                raise DuplicateOrg(index)
            seen.add(org.id)
        return self


class DuplicateOrg(ValueError):
    """Raised by the model; the loader points the error at the second ``id`` line."""

    def __init__(self, index: int) -> None:
        super().__init__("duplicate org id")
        self.index = index
