"""Matching record files organisation group by organisation group (what ``parity match`` runs).

:func:`match_posts` wants every record in memory; at a million posts and a million pages
that is several GB before the first organisation is matched. :func:`match_files` reads
the files twice instead:

1. a scan keeps, per non-blank line, its byte offset, line number and the organisation
   code of its ``org`` (``json.loads`` of the line, nothing validated, nothing kept);
2. organisations are packed into chunks of about :data:`CHUNK_BYTES` of JSON (one
   organisation is never split); each chunk — in this process, or in a forked worker
   (:mod:`parity.match.parallel`) that gets only the chunk number — reads its own lines by offset, validates them into
   :class:`Post` / :class:`WebItem` and runs :func:`match_posts` on them, in-process;
3. each chunk's verdict lines go to a spill file in input order; the spill files are
   merged into the output in the order of the posts file (one verdict per post).

Verdicts are the ones :func:`match_posts` gives on the whole input: it matches every
organisation on its own, in a canonical order, and a chunk holds every post and page of
its organisations in file order. Peak memory follows the largest chunk, not the input.

Bad input behaves as when everything is read first: the first broken line of posts, then
web, then sources is reported as ``file:line: field: message`` (:class:`RecordError`)
and the output file is not touched (it is written to a temporary name and renamed).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from parity.core.jsonl import (
    RecordError,
    atomic_text,
    iter_records,
    open_records,
    parse_line,
    read_records,
    record_line,
    validate,
    write_records,
)
from parity.core.records import Post, SourceStatus, WebItem
from parity.core.sources import incomplete_web_orgs
from parity.match import parallel
from parity.match.engine import match_posts, workers_for
from parity.match.options import MatchOptions

log = logging.getLogger(__name__)

STREAM_MIN_BYTES = 64 << 20  # posts + web smaller than this: read everything at once (no scan)
CHUNK_BYTES = 64 << 20  # JSON per chunk (a bigger organisation is a chunk of its own)
MAX_CHUNKS = 512  # spill files open at once while merging


def check_files(posts_path: str | Path, web_path: str | Path, sources_path: str | Path | None = None) -> None:
    """Validate every record in the order ``parity match`` reads them (posts, web,
    sources) and raise the first :class:`RecordError`, exactly as reading them all would."""
    for path, model in ((posts_path, Post), (web_path, WebItem), (sources_path, SourceStatus)):
        if path is not None:
            for _ in iter_records(path, model):
                pass


def _incomplete_orgs(opts: MatchOptions, sources_path: str | Path | None) -> MatchOptions:
    if sources_path is None:
        return opts
    bad = incomplete_web_orgs(iter_records(sources_path, SourceStatus))
    return dataclasses.replace(opts, incomplete_orgs=opts.incomplete_orgs | bad)


def match_files(
    posts_path: str | Path,
    web_path: str | Path,
    out_path: str | Path,
    opts: MatchOptions | None = None,
    sources_path: str | Path | None = None,
    *,
    stream: bool | None = None,
    chunk_bytes: int | None = None,
) -> dict[str, int]:
    """Write ``out_path`` (verdicts.jsonl): one verdict per post of ``posts_path``, in its
    order, the same as ``match_posts(read_records(posts), read_records(web), opts)``.

    ``sources_path`` (sources.jsonl): organisations with a source not ``ok`` are added to
    ``opts.incomplete_orgs``. ``stream``: ``None`` streams when posts + web are at least
    :data:`STREAM_MIN_BYTES`; ``False`` reads everything first. ``chunk_bytes``: JSON
    per chunk (default :data:`CHUNK_BYTES`). Raises
    :class:`RecordError` on bad input (``out_path`` untouched). Returns counts
    (``posts``, ``web``, ``verdicts``, ``chunks``, ``workers``).
    """
    opts = opts or MatchOptions()
    if stream is None:
        try:
            size = os.path.getsize(posts_path) + os.path.getsize(web_path)
        except OSError:
            size = 0  # a missing file: the in-memory path reports it
        stream = size >= STREAM_MIN_BYTES
    if not stream:
        return _match_in_memory(posts_path, web_path, out_path, opts, sources_path)
    try:
        return _match_streamed(Path(posts_path), Path(web_path), Path(out_path), opts, sources_path,
                               chunk_bytes or CHUNK_BYTES)
    except RecordError:
        check_files(posts_path, web_path, sources_path)  # the first bad line, in reading order
        raise


def _match_in_memory(posts_path, web_path, out_path, opts, sources_path) -> dict[str, int]:
    posts = read_records(posts_path, Post)
    web = read_records(web_path, WebItem)
    opts = _incomplete_orgs(opts, sources_path)
    log.info("matching %d posts against %d web items", len(posts), len(web))
    verdicts = match_posts(posts, web, opts)
    n = write_records(out_path, verdicts)
    return {"posts": len(posts), "web": len(web), "verdicts": n, "chunks": 1, "workers": 1}


# --------------------------------------------------------------------------- pass 1: scan
@dataclass
class _Lines:
    """The non-blank lines of one record file: byte offset, line number, organisation code."""

    path: Path
    model: type
    offsets: np.ndarray
    linenos: np.ndarray
    orgs: np.ndarray
    sizes: np.ndarray


def _scan(path: Path, model: type, codes: dict[str, int]) -> _Lines:
    offsets, linenos, orgs, sizes = array("q"), array("q"), array("i"), array("q")
    off = 0
    with open_records(path) as fh:
        for lineno, raw in enumerate(fh, start=1):
            data = parse_line(path, lineno, raw)
            if data is not None:
                org = data.get("org")
                if not isinstance(org, str):
                    validate(path, lineno, data, model)  # raises: org is required and a string
                    raise RecordError(f"{path}:{lineno}: org: Input should be a valid string")
                code = codes.get(org)
                if code is None:
                    code = codes[org] = len(codes)
                offsets.append(off)
                linenos.append(lineno)
                orgs.append(code)
                sizes.append(len(raw))
            off += len(raw)
    return _Lines(path, model, _np(offsets, np.int64), _np(linenos, np.int64), _np(orgs, np.int32),
                  _np(sizes, np.int64))


def _np(values: array, dtype: Any) -> np.ndarray:
    return np.frombuffer(values, dtype=dtype).copy() if len(values) else np.zeros(0, dtype=dtype)


# --------------------------------------------------------------------------- pass 2: chunks
@dataclass
class _Plan:
    posts: _Lines
    web: _Lines
    org_names: list[str]
    n_chunks: int
    post_chunk: np.ndarray  # chunk of each post line (input order)
    post_rows: list[np.ndarray]  # per chunk: its post lines, ascending
    web_rows: list[np.ndarray]
    opts: MatchOptions  # workers=1: a chunk is matched in its process
    spill: Path | None


def _plan(posts: _Lines, web: _Lines, codes: dict[str, int], opts: MatchOptions, chunk_bytes: int,
          min_chunks: int) -> tuple[int, np.ndarray]:
    """Chunk of every organisation code: organisations in name order, packed up to the budget."""
    n_orgs = len(codes)
    weight = np.bincount(posts.orgs, weights=posts.sizes, minlength=n_orgs) + np.bincount(
        web.orgs, weights=web.sizes, minlength=n_orgs)
    total = float(weight.sum())
    budget = max(min(float(chunk_bytes), total / max(1, min_chunks)), total / MAX_CHUNKS, 1.0)
    chunk_of = np.zeros(n_orgs, dtype=np.int32)
    k, filled = 0, 0.0
    for org in sorted(codes):
        c = codes[org]
        if filled and filled + weight[c] > budget:
            k, filled = k + 1, 0.0
        chunk_of[c] = k
        filled += weight[c]
    return (k + 1 if n_orgs else 0), chunk_of


def _rows(chunk_of_line: np.ndarray, n_chunks: int) -> list[np.ndarray]:
    order = np.argsort(chunk_of_line, kind="stable")
    bounds = np.searchsorted(chunk_of_line[order], np.arange(n_chunks + 1))
    return [order[bounds[k]:bounds[k + 1]] for k in range(n_chunks)]


def _read_chunk(lines: _Lines, rows: np.ndarray, org_names: list[str]) -> list[Any]:
    out = []
    path, model = lines.path, lines.model
    with open_records(path) as fh:
        for off, lineno, code in zip(lines.offsets[rows].tolist(), lines.linenos[rows].tolist(),
                                     lines.orgs[rows].tolist()):
            fh.seek(off)
            data = parse_line(path, lineno, fh.readline())
            if data is None or data.get("org") != org_names[code]:
                raise RuntimeError(f"{path}:{lineno}: the file changed while it was being matched")
            out.append(validate(path, lineno, data, model))
    return out


def _match_chunk(plan: _Plan, k: int) -> tuple[int, int]:
    """Chunk ``k``: read, validate, match; verdict lines to its spill file. Returns (k, count)."""
    posts = _read_chunk(plan.posts, plan.post_rows[k], plan.org_names)
    web = _read_chunk(plan.web, plan.web_rows[k], plan.org_names)
    if not posts:
        return k, 0  # organisations without posts: their pages were only validated
    verdicts = match_posts(posts, web, plan.opts)
    if len(verdicts) != len(posts):  # pragma: no cover - the engine's contract
        raise RuntimeError(f"chunk {k}: {len(verdicts)} verdicts for {len(posts)} posts")
    assert plan.spill is not None
    with open(plan.spill / f"{k}.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(map(record_line, verdicts))
    return k, len(verdicts)


def _match_streamed(posts_path: Path, web_path: Path, out_path: Path, opts: MatchOptions,
                    sources_path: str | Path | None, chunk_bytes: int) -> dict[str, int]:
    codes: dict[str, int] = {}
    posts = _scan(posts_path, Post, codes)
    web = _scan(web_path, WebItem, codes)
    opts = _incomplete_orgs(opts, sources_path)
    org_names = [""] * len(codes)
    for name, c in codes.items():
        org_names[c] = name
    n_post_orgs = len(np.unique(posts.orgs))
    workers = workers_for(opts, len(posts.offsets) + len(web.offsets), n_post_orgs)
    n_chunks, chunk_of = _plan(posts, web, codes, opts, chunk_bytes, 4 * workers if workers > 1 else 1)
    post_chunk = chunk_of[posts.orgs]
    plan = _Plan(posts, web, org_names, n_chunks, post_chunk, _rows(post_chunk, n_chunks),
                 _rows(chunk_of[web.orgs], n_chunks), dataclasses.replace(opts, workers=1), None)
    log.info("matching %d posts against %d web items (%d organisations, %d chunks, %d processes)",
             len(posts.offsets), len(web.offsets), len(codes), n_chunks, workers)
    stats = {"posts": len(posts.offsets), "web": len(web.offsets), "verdicts": 0, "chunks": n_chunks,
             "workers": workers}
    with_posts = [k for k in range(n_chunks) if len(plan.post_rows[k])]
    if workers == 1 and len(with_posts) <= 1:
        # one chunk with posts: its verdicts are the output, in order (other chunks: validate only)
        verdicts = []
        for k in range(n_chunks):
            web_recs = _read_chunk(web, plan.web_rows[k], org_names)
            if k in with_posts:
                post_recs = _read_chunk(posts, plan.post_rows[k], org_names)
                verdicts = match_posts(post_recs, web_recs, plan.opts)
            del web_recs
        stats["verdicts"] = write_records(out_path, verdicts)
        return stats
    out_path.parent.mkdir(parents=True, exist_ok=True)
    spill = Path(tempfile.mkdtemp(prefix=f".{out_path.name}.chunks.", dir=out_path.parent))
    plan.spill = spill
    try:
        order = sorted(range(n_chunks), key=lambda k: -(len(plan.post_rows[k]) + len(plan.web_rows[k])))
        counts = dict(parallel.run(_match_chunk, plan, order, workers))
        stats["verdicts"] = _merge(out_path, spill, post_chunk, counts)
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    return stats


def _merge(out_path: Path, spill: Path, post_chunk: np.ndarray, counts: dict[int, int]) -> int:
    """The spill files interleaved back into the order of the posts file."""
    readers = {k: open(spill / f"{k}.jsonl", "rb") for k, n in counts.items() if n}  # noqa: SIM115 - closed below
    written = 0
    try:
        with atomic_text(out_path, binary=True) as out:
            write = out.write
            for k in post_chunk.tolist():
                line = readers[k].readline()
                if not line:  # pragma: no cover - a chunk wrote fewer verdicts than it has posts
                    raise RuntimeError(f"chunk {k}: verdicts missing")
                write(line)
                written += 1
    finally:
        for fh in readers.values():
            fh.close()
    return written
