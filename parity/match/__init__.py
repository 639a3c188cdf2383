"""The parity engine: for every social post, the web item carrying the same information.

    from parity.match import MatchOptions, match_posts
    verdicts = match_posts(posts, web, MatchOptions(grace_hours=24.0))

One :class:`~parity.core.records.Verdict` per post, in the order of ``posts``. Besides the
contract fields each verdict carries ``evidence`` (feature → value for the chosen or
best candidate, incl. ``p_counterpart``), ``candidates`` (the top few with score and
why they were not chosen) and ``rule`` (for ``excluded``). ``score`` is the
calibrated probability that the post has a counterpart and that it is the page
shown (for ``social_only`` the probability of the best rejected candidate).
"""

from parity.match.engine import match_posts
from parity.match.facts import Fact, extract_facts
from parity.match.options import ExcludeRule, MatchOptions

__all__ = ["MatchOptions", "ExcludeRule", "match_posts", "Fact", "extract_facts"]
