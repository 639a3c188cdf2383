"""Same inputs ⇒ identical verdicts, whatever the input order and the process time zone."""

from __future__ import annotations

import os
import random
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parity.match import MatchOptions, match_posts
from parity.core.records import Post, WebItem

WORDS = (
    "vatten avstängning storgatan biblioteket öppettider snöröjning budget skola förskola "
    "återvinning sophämtning parkering cykelväg bygglov badhus simhall konsert marknad torget "
    "vägarbete omledning buss kollektivtrafik val röstning nämnd beslut kommunfullmäktige "
    "fritidsgård sommarlov läger avgift ansökan stipendium kultur museum utställning"
).split()
ORGS = ("uppsala-kommun", "knivsta-kommun")
TIMES = ["2026-03-10T08:00:00Z", "2026-03-11T09:30:00Z", "2026-03-14T12:00:00Z", None]
OPTS = MatchOptions(use_embeddings="off", incomplete_orgs=frozenset({"knivsta-kommun"}), exclude_rules=("greetings",))


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


@st.composite
def worlds(draw):
    seed = draw(st.integers(0, 10_000))
    n_web = draw(st.integers(0, 12))
    n_posts = draw(st.integers(1, 12))
    rng = random.Random(seed)
    web = []
    for i in range(n_web):
        web.append(
            WebItem(
                id=f"w{i}", org=rng.choice(ORGS), source="feed", url=f"https://www.uppsala.se/nyheter/sida-{i}",
                title=_sentence(rng, 3), text=_sentence(rng, 25) + " Den 12 mars kl. 8–16.",
                published_at=rng.choice(TIMES), lang=rng.choice(["sv", None]),
            )
        )
    posts = []
    for i in range(n_posts):
        links = []
        if web and rng.random() < 0.3:
            links = [rng.choice(web).url + "?utm_source=facebook"]
        base = rng.choice(web).text[:80] if web and rng.random() < 0.6 else _sentence(rng, 8)
        posts.append(
            Post(
                id=f"p{i}", org=rng.choice(ORGS), platform="mastodon", text=base + rng.choice(["", " kl. 8–16", " God jul!"]),
                links=links, kind=rng.choice(["post", "post", "post", "reply"]), published_at=rng.choice(TIMES),
                lang=rng.choice(["sv", None]),
            )
        )
    perm_posts = draw(st.permutations(list(range(n_posts))))
    perm_web = draw(st.permutations(list(range(n_web))))
    return posts, web, perm_posts, perm_web


def _key(verdicts):
    return {v.post_id: v.to_json_dict() for v in verdicts}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), st.sampled_from(["UTC", "America/Los_Angeles", "Asia/Kolkata", "Europe/Stockholm"]))
def test_order_and_tz_independent(world, tz):
    posts, web, perm_posts, perm_web = world
    base = match_posts(posts, web, OPTS)
    assert [v.post_id for v in base] == [p.id for p in posts]
    old = os.environ.get("TZ")
    os.environ["TZ"] = tz
    time.tzset()
    try:
        shuffled = match_posts([posts[i] for i in perm_posts], [web[i] for i in perm_web], OPTS)
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()
    assert [v.post_id for v in shuffled] == [posts[i].id for i in perm_posts]
    assert _key(shuffled) == _key(base)


@settings(max_examples=25, deadline=None)
@given(worlds())
def test_contract_invariants(world):
    posts, web, _, _ = world
    web_ids = {w.id: w for w in web}
    for p, v in zip(posts, match_posts(posts, web, OPTS)):
        assert v.post_id == p.id and v.org == p.org
        if v.verdict in ("match", "partial", "late"):
            assert v.web_id in web_ids and web_ids[v.web_id].org == p.org
            assert v.score is not None and 0.0 <= v.score <= 1.0
        else:
            assert v.web_id is None
        if v.verdict == "excluded":
            assert v.rule in ("reply", "share", "greetings")
        if v.verdict == "social_only":
            assert p.org not in OPTS.incomplete_orgs
        if v.verdict == "unverifiable":
            assert p.org in OPTS.incomplete_orgs
        if v.verdict == "partial":
            assert v.missing_facts
        else:
            assert v.missing_facts == []
        if v.verdict == "late":
            assert v.lag_hours is not None and v.lag_hours > OPTS.grace_hours


def test_parallel_workers_give_identical_verdicts():
    rng = random.Random(3)
    web, posts = [], []
    for o in range(6):
        org = f"org-{o}"
        for i in range(15):
            web.append(WebItem(id=f"{org}-w{i}", org=org, source="feed", url=f"https://k{o}.se/n/{i}",
                               title=_sentence(rng, 4), text=_sentence(rng, 40), published_at=rng.choice(TIMES), lang="sv"))
        for i in range(10):
            src = rng.choice([w for w in web if w.org == org])
            posts.append(Post(id=f"{org}-p{i}", org=org, platform="mastodon", text=src.text[:90], lang="sv",
                              published_at=rng.choice(TIMES)))
    rng.shuffle(posts)
    one = match_posts(posts, web, MatchOptions(use_embeddings="off", workers=1))
    two = match_posts(posts, web, MatchOptions(use_embeddings="off", workers=2))
    assert [v.to_json_dict() for v in one] == [v.to_json_dict() for v in two]
