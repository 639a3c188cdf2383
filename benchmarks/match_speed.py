"""Speed of `parity match` against a TF-IDF all-pairs top-1 baseline, in the same run.

    .venv/bin/python benchmarks/match_speed.py                 # 10k×100k, 20k×200k (growth), 1M×1M over 1,000 orgs
    .venv/bin/python benchmarks/match_speed.py --quick         # 1k×10k and 2k×20k only
    .venv/bin/python benchmarks/match_speed.py --skip-million --profile
    .venv/bin/python benchmarks/match_speed.py --quick --keep --checkout ../other-worktree   # another version

Synthetic Swedish-like data (pseudo-words from syllables, Zipf frequencies, real Swedish
stop words, recurring topics so that pages resemble each other, 30 % of posts without a
counterpart, 20 % of posts carrying a link with tracking parameters) is generated once
per size into $PARITY_SPEED_DIR (default /tmp/parity-speed). Both contenders run as
separate processes from the JSONL files to the written verdicts ("whole process"):

* baseline: json.loads, scikit-learn TfidfVectorizer on the web items, posts × web
  cosine as one sparse matrix product (in row blocks), top-1 per post, threshold chosen
  in hindsight for its best social_only F1;
* ours: `python -m parity.cli match --posts … --web … --out … --embeddings off` (the CLI),
  run in the checkout this script belongs to (or `--checkout DIR`): the installed `parity`
  console script would measure whatever copy is installed, not this code.

Reported: wall time and CPU time (best of 2 interleaved runs: the machine is shared),
peak memory of the whole process tree (PSS sampled every 0.5 s, workers included) and of
its largest process (peak RSS), link accuracy and social_only F1
on the synthetic truth, time ratio ours/baseline, growth when the data doubles, and (with
--profile) where our time goes next to the cost of reading + tokenising alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
STOP_SV = (
    "och i att det som en på är av för med till den har de inte om ett han men var jag sig från vi så kan "
    "man när år säger hon under också efter eller nu sin där vid mot ska skulle kommer ut får finns vara"
).split()
SYLL = "ba be bo bu da de do fa fe fi ga gi go ha he hi ja jo ka ke ki ko la le li lo ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi vo stad berg skog väg gata torg hus skol bad park sjö ström dal holm vik ås by".split()


# ----------------------------------------------------------------------------- data
def make_vocab(n: int, rng: np.random.Generator) -> list[str]:
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < n:
        k = int(rng.integers(2, 5))
        w = "".join(SYLL[i] for i in rng.integers(0, len(SYLL), k))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def generate(out: Path, n_posts: int, n_web: int, n_orgs: int = 1, seed: int = 1) -> None:
    """posts.jsonl, web.jsonl, truth.jsonl for n_orgs organisations of equal size."""
    if (out / "truth.jsonl").exists():
        return
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    vocab = np.array(make_vocab(60_000, rng), dtype=object)
    stop = np.array(STOP_SV, dtype=object)
    zipf_p = 1.0 / np.arange(1, len(vocab) + 1) ** 1.05
    zipf_p /= zipf_p.sum()
    t0 = 1_767_225_600  # 2026-01-01
    pw, ww = n_posts // n_orgs, n_web // n_orgs
    with open(out / "web.jsonl", "w") as fw, open(out / "posts.jsonl", "w") as fp, open(out / "truth.jsonl", "w") as ft:
        for o in range(n_orgs):
            org = f"org-{o:04d}"
            host = f"www.kommun{o}.se"
            n_topics = max(1, ww // 3)
            topics = rng.choice(len(vocab), size=(n_topics, 12), p=zipf_p)
            topics = np.where(rng.random(topics.shape) < 0.8, rng.integers(2000, len(vocab), topics.shape), topics)
            item_topic = rng.integers(0, n_topics, ww)
            general = rng.choice(len(vocab), size=(ww, 90), p=zipf_p)
            stops = rng.integers(0, len(stop), size=(ww, 60))
            topic_pick = rng.integers(0, 12, size=(ww, 30))
            extra_topic = rng.integers(2000, len(vocab), size=(ww, 6))  # item-specific rare words
            web_time = t0 + rng.integers(0, 365 * 86400, ww)
            for i in range(ww):
                tw = vocab[topics[item_topic[i], topic_pick[i]]]
                words = np.concatenate([tw, vocab[extra_topic[i]], vocab[general[i]], stop[stops[i]]])
                rng.shuffle(words)
                title = " ".join(vocab[np.r_[topics[item_topic[i], :4], extra_topic[i, :2]]]).capitalize()
                rec = {
                    "id": f"w:{org}:{i}", "org": org, "source": "feed", "url": f"https://{host}/nyheter/{i}",
                    "title": title, "text": " ".join(words), "lang": "sv",
                    "published_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(web_time[i]))),
                }
                fw.write(json.dumps(rec, ensure_ascii=False) + "\n")
            has = rng.random(pw) < 0.7
            target = rng.integers(0, ww, pw)
            link = rng.random(pw) < 0.2
            for j in range(pw):
                pid = f"p:{org}:{j}"
                if has[j]:
                    i = int(target[j])
                    src = np.r_[topics[item_topic[i], rng.integers(0, 12, 6)], extra_topic[i, rng.integers(0, 6, 3)]]
                    words = np.concatenate([vocab[src], vocab[rng.choice(len(vocab), 6, p=zipf_p)], stop[rng.integers(0, len(stop), 8)]])
                    when = int(web_time[i] + rng.normal(0, 6 * 3600))
                    links = [f"https://{host}/nyheter/{i}?utm_source=facebook&fbclid=x{j}"] if link[j] else []
                    truth = {"post_id": pid, "web_id": f"w:{org}:{i}", "verdict": "match"}
                else:
                    # same matter as existing pages (a recurring topic), but its own specifics
                    t = item_topic[int(target[j])]
                    src = np.r_[topics[t, rng.integers(0, 12, 6)], rng.integers(2000, len(vocab), 3)]
                    words = np.concatenate([vocab[src], vocab[rng.choice(len(vocab), 6, p=zipf_p)], stop[rng.integers(0, len(stop), 8)]])
                    when = int(web_time[int(target[j])] + rng.normal(0, 6 * 3600))
                    links = []
                    truth = {"post_id": pid, "web_id": None, "verdict": "social_only"}
                rng.shuffle(words)
                rec = {
                    "id": pid, "org": org, "platform": "mastodon", "text": " ".join(words).capitalize() + ".",
                    "links": links, "lang": "sv", "kind": "post",
                    "published_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when)),
                }
                fp.write(json.dumps(rec, ensure_ascii=False) + "\n")
                ft.write(json.dumps(truth) + "\n")


# ----------------------------------------------------------------------------- baseline
BASELINE = r'''
import json, sys, numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
posts = [json.loads(l) for l in open(sys.argv[1])]
web = [json.loads(l) for l in open(sys.argv[2])]
vec = TfidfVectorizer(sublinear_tf=True, dtype=np.float32)
W = vec.fit_transform([(w.get("title") or "") + " " + (w.get("text") or "") for w in web])
P = vec.transform([p.get("text") or "" for p in posts])
WT = W.T.tocsr()
best = np.zeros(len(posts), dtype=np.int64); val = np.zeros(len(posts), dtype=np.float32)
for s in range(0, len(posts), 2000):
    S = (P[s:s + 2000] @ WT).toarray()
    best[s:s + 2000] = S.argmax(axis=1); val[s:s + 2000] = S.max(axis=1)
with open(sys.argv[3], "w") as fh:
    for p, b, v in zip(posts, best, val):
        fh.write(json.dumps({"post_id": p["id"], "web_id": web[b]["id"], "score": float(v)}) + "\n")
'''


def _tree_pss_mb(root: int) -> tuple[float, float]:
    """Proportional set size of a process and all its descendants (shared pages counted
    once across the tree), in MB, and the largest peak RSS (VmHWM) of one of them; 0 when
    it is gone."""
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
    total, largest = 0, 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        largest = max(largest, int(line.split()[1]))
                        break
        except OSError:
            pass
    return total / 1024.0, largest / 1024.0


def run_child(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> tuple[float, float, float, float]:
    """Wall seconds, CPU seconds (user + system, worker processes included), the peak of
    the process tree's memory (MB): max of the main process's ru_maxrss and the sampled
    PSS of the whole tree (worker processes included), and the largest single process's
    peak RSS (MB)."""
    import threading

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    peak = [0.0, 0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            tree, largest = _tree_pss_mb(proc.pid)
            peak[0], peak[1] = max(peak[0], tree), max(peak[1], largest)
            done.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    sampler.join()
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{cmd[:3]} failed with {status}")
    largest = max(peak[1], usage.ru_maxrss / 1024.0)
    return wall, usage.ru_utime + usage.ru_stime, max(peak[0], largest), largest


def ours_cmd(d: Path, out: Path) -> list[str]:
    """`parity match` of the checkout the child runs in (``python -m`` puts the cwd first on sys.path)."""
    args = ["--posts", str(d / "posts.jsonl"), "--web", str(d / "web.jsonl"), "--out", str(out), "--embeddings", "off"]
    return [PY, "-m", "parity.cli", "match", *args]


def quality(truth_path: Path, pred_path: Path, baseline: bool) -> tuple[float, float]:
    truth = {t["post_id"]: t["web_id"] for t in map(json.loads, open(truth_path))}
    preds = [json.loads(l) for l in open(pred_path)]
    if baseline:  # threshold chosen in hindsight for the best sum
        best = (0.0, 0.0)
        for thr in np.linspace(0, 1, 101):
            la, f1 = _scores(truth, {p["post_id"]: (p["web_id"] if p["score"] >= thr else None) for p in preds})
            if la + f1 > sum(best):
                best = (la, f1)
        return best
    linked = {p["post_id"]: (p["web_id"] if p["verdict"] in ("match", "partial", "late") else None) for p in preds}
    return _scores(truth, linked)


def _scores(truth: dict, pred: dict) -> tuple[float, float]:
    n_match = sum(1 for v in truth.values() if v)
    ok = sum(1 for k, v in truth.items() if v and pred.get(k) == v)
    tp = sum(1 for k, v in truth.items() if not v and pred.get(k) is None)
    fp = sum(1 for k, v in truth.items() if v and pred.get(k) is None)
    fn = sum(1 for k, v in truth.items() if not v and pred.get(k) is not None)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return ok / max(1, n_match), (2 * p * r / (p + r) if p + r else 0.0)


def bench_size(base: Path, n_posts: int, n_web: int, n_orgs: int = 1, baseline: bool = True, repeats: int = 2,
               checkout: Path = ROOT) -> dict:
    d = base / f"{n_posts}x{n_web}x{n_orgs}"
    t = time.perf_counter()
    generate(d, n_posts, n_web, n_orgs)
    gen = time.perf_counter() - t
    res: dict = {"posts": n_posts, "web": n_web, "orgs": n_orgs, "generate_s": round(gen, 1)}
    env = dict(os.environ, PYTHONHASHSEED="0")
    contenders = [("ours", ours_cmd(d, d / "ours.out"))]
    if baseline:
        script = d / "baseline.py"
        script.write_text(BASELINE)
        contenders.append(("baseline", [PY, str(script), str(d / "posts.jsonl"), str(d / "web.jsonl"), str(d / "baseline.out")]))
    runs: dict[str, list] = {name: [] for name, _ in contenders}
    for _ in range(repeats):  # interleaved, so both see the same machine
        for name, cmd in contenders:
            runs[name].append(run_child(cmd, env, cwd=checkout))
    for name, _ in contenders:
        wall = min(r[0] for r in runs[name])
        cpu = min(r[1] for r in runs[name])
        rss = max(r[2] for r in runs[name])
        largest = max(r[3] for r in runs[name])
        la, f1 = quality(d / "truth.jsonl", d / f"{name}.out", name == "baseline")
        res[name] = {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "peak_mem_mb": round(rss),
                     "largest_process_mb": round(largest),
                     "link_accuracy": round(la, 3), "social_only_f1": round(f1, 3)}
    if baseline:
        res["ratio_wall"] = round(res["ours"]["wall_s"] / res["baseline"]["wall_s"], 2)
        res["ratio_cpu"] = round(res["ours"]["cpu_s"] / res["baseline"]["cpu_s"], 2)
    print(json.dumps(res), flush=True)
    return res


def profile(base: Path, n_posts: int, n_web: int) -> None:
    """Where the time goes, next to reading + tokenising alone (in-process)."""
    import cProfile
    import pstats

    sys.path.insert(0, str(ROOT))
    from parity.core.jsonl import read_records  # the CLI's reader
    from parity.match import MatchOptions, match_posts
    from parity.match.index import Lexicon
    from parity.core.records import Post, WebItem

    d = base / f"{n_posts}x{n_web}x1"
    t0 = time.perf_counter()
    posts = read_records(d / "posts.jsonl", Post)
    web = read_records(d / "web.jsonl", WebItem)
    t1 = time.perf_counter()
    lex = Lexicon()  # a cold cache, as in a fresh process
    lex.encode([w.title or "" for w in web], ["sv"] * len(web))
    lex.encode([w.text for w in web], ["sv"] * len(web))
    lex.encode([p.text for p in posts], ["sv"] * len(posts))
    t2 = time.perf_counter()
    prof = cProfile.Profile()
    prof.enable()
    match_posts(posts, web, MatchOptions(use_embeddings="off"))
    prof.disable()
    t3 = time.perf_counter()
    print(f"read+validate {t1 - t0:.1f}s; tokenise+stem alone {t2 - t1:.1f}s; match_posts {t3 - t2:.1f}s (under cProfile)")
    pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skip-million", action="store_true")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the generated data")
    ap.add_argument("--only-million", action="store_true")
    ap.add_argument("--checkout", type=Path, default=ROOT, help="the checkout whose `parity match` is measured")
    args = ap.parse_args()
    checkout = args.checkout.resolve()
    base = Path(os.environ.get("PARITY_SPEED_DIR", "/tmp/parity-speed"))
    if args.only_million:
        bench_size(base, 1_000_000, 1_000_000, 1000, baseline=False, repeats=1, checkout=checkout)
        return 0
    sizes = [(1000, 10_000), (2000, 20_000)] if args.quick else [(10_000, 100_000), (20_000, 200_000)]
    results = [bench_size(base, p, w, checkout=checkout) for p, w in sizes]
    growth = {
        f"{who}_{what}": round(results[1][who][what] / results[0][who][what], 2)
        for who in ("ours", "baseline") for what in ("wall_s", "cpu_s")
    }
    print(json.dumps({"growth_when_doubled": growth}))
    if args.profile:
        profile(base, *sizes[0])
    if not args.quick and not args.skip_million:
        bench_size(base, 1_000_000, 1_000_000, 1000, baseline=False, repeats=1, checkout=checkout)
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
