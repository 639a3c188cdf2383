"""The audit config: TOML in, validated models out, or one ``file:line: field: message`` per problem.

``models`` holds one pydantic model per table and source kind (unknown keys are errors),
``load`` reads and validates a file, ``locate`` finds the line of a key path, ``errors``
renders problems. Callers import from here::

    from parity.config import load_config, ConfigError, LoadedConfig, MatchSettings, WebSource
"""

from parity.config.errors import ConfigError, ConfigProblem
from parity.config.load import LoadedConfig, load_config
from parity.config.models import (
    SOCIAL_PLATFORMS,
    AuditConfig,
    BlueskySource,
    CrawlSettings,
    FacebookSource,
    FeedSource,
    FileSource,
    InstagramSource,
    ListingSource,
    MastodonSource,
    MatchSettings,
    NoticeBoardSource,
    Org,
    PageSource,
    RegisterSource,
    RssSocialSource,
    SitemapSource,
    SiteSource,
    SocialSource,
    StoreSettings,
    WebSource,
    XSource,
    YoutubeSource,
)

__all__ = [
    "SOCIAL_PLATFORMS",
    "AuditConfig",
    "BlueskySource",
    "ConfigError",
    "ConfigProblem",
    "CrawlSettings",
    "FacebookSource",
    "FeedSource",
    "FileSource",
    "InstagramSource",
    "ListingSource",
    "LoadedConfig",
    "MastodonSource",
    "MatchSettings",
    "NoticeBoardSource",
    "Org",
    "PageSource",
    "RegisterSource",
    "RssSocialSource",
    "SiteSource",
    "SitemapSource",
    "SocialSource",
    "StoreSettings",
    "WebSource",
    "XSource",
    "YoutubeSource",
    "load_config",
]
