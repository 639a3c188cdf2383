"""Resampled pools: one benchmark split's posts and pages at another pool size (benchmarks/match_fit.py --pools).

A municipality's pool holds 20–2,000 pages, a fact-check base 10,000, and the decision must
mean the same at every size. A resampled pool of ``n`` items keeps, for the posts drawn,
every page their truth needs (the counterpart of a linked post, the near-miss page of a
social_only post, so its truth still holds) and fills the rest with distractors:

* below the split's own size, other pages of the same split;
* above it, pages of other material, renamed into the pool's organisation — ``"en"``:
  items of the other dev splits (another language: they move BM25's idf scale and the
  pool-relative "rare" cut-off, not the competition); ``"sv-mix"``: synthetic Swedish pages,
  each the title of one page of the split and sentences drawn from three others (the same
  topics and words spread over many pages, as on a real site whose list pages and teasers
  repeat its items; a mix may carry a few sentences of a post's counterpart, which makes it a
  hard distractor, not a wrong label).

Posts keep their ids and texts; only the pool changes. Nothing here reads a test split.
"""

from __future__ import annotations

import re

import numpy as np

from parity.core.records import Post, WebItem

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def resample(posts: list[Post], web: list[WebItem], truth: list[dict], n: int, seed: int,
             pad: list[WebItem] | None = None, max_posts: int | None = None) -> tuple[list[Post], list[WebItem], list[dict]]:
    """A pool of ``n`` items (at most; fewer only when ``pad`` runs out) with the posts it can hold."""
    rng = np.random.default_rng(seed)
    by_id = {w.id: w for w in web}
    truth_by = {t["post_id"]: t for t in truth}
    need_cap = max(1, n // 2) if n < len(web) else len(web)
    post_cap = max_posts or max(4, n // 2)
    chosen: list[Post] = []
    needed: set[str] = set()
    for i in rng.permutation(len(posts)).tolist():
        t = truth_by[posts[i].id]
        req = {x for x in (t.get("web_id"), t.get("near_miss_web_id")) if x and x in by_id}
        if len(needed | req) > need_cap:
            continue
        needed |= req
        chosen.append(posts[i])
        if len(chosen) >= post_cap:
            break
    rest = [w.id for w in web if w.id not in needed]
    fill = [rest[j] for j in rng.permutation(len(rest))[: max(0, n - len(needed))].tolist()]
    items = [by_id[x] for x in sorted(needed)] + [by_id[x] for x in fill]
    org = posts[0].org if posts else "pool"
    if len(items) < n and pad:
        extra = [pad[j] for j in rng.permutation(len(pad))[: n - len(items)].tolist()]
        items += [w.model_copy(update={"id": f"pad-{k}-{w.id}", "org": org}) for k, w in enumerate(extra)]
    chosen_ids = {p.id for p in chosen}
    return chosen, items, [truth_by[p.id] for p in chosen if p.id in chosen_ids]


def swedish_mixes(web: list[WebItem], n: int, seed: int) -> list[WebItem]:
    """``n`` synthetic Swedish pages made of the split's own titles and sentences (see the module doc)."""
    rng = np.random.default_rng(seed)
    sentences = [[s.strip() for s in _SENTENCE.split(w.text or "") if len(s.strip()) > 20] for w in web]
    out = []
    for k in range(n):
        head = web[int(rng.integers(len(web)))]
        body = []
        for j in rng.choice(len(web), size=3, replace=False).tolist():
            sents = sentences[j]
            if sents:
                take = rng.choice(len(sents), size=min(3, len(sents)), replace=False).tolist()
                body += [sents[x] for x in sorted(take)]
        out.append(WebItem(id=f"mix-{k}", org=head.org, source="page", url=f"https://mix.example/{k}",
                           title=head.title, text=" ".join(body), lang="sv"))
    return out
