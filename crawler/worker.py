"""Worker entry point: ``python -m crawler.worker --redis URL [--run ID] [--store TARGET] [--wait S]``.

Joins a distributed crawl run (crawler/distributed/worker.py does the work; the run is
started by ``parity crawl|audit CONFIG --redis URL``). Without ``--run`` it joins the
current run, waiting up to ``--wait`` seconds for one to start. ``--store`` names the
shared store as this machine reaches it (a ``postgresql://`` URL); without it the
run's own store is used (a SQLite file works for workers on the coordinator's machine).

Exit status: 0 done (or no current run to join within ``--wait``), 2 bad arguments, Redis
unreachable or no such ``--run``, 130 stopped, 1 anything unexpected.
"""

from __future__ import annotations

import argparse
import os
import sys

from parity.core.exitcodes import ExitCode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.worker", description=__doc__.splitlines()[0])
    parser.add_argument("--redis", required=True, metavar="URL")
    parser.add_argument("--run", default=None, metavar="ID", help="the run to join (default: the current one)")
    parser.add_argument("--store", default=None, metavar="TARGET", help="the shared store as reached from here")
    parser.add_argument("--wait", type=float, default=0.0, help="seconds to wait for a run to start")
    parser.add_argument("--name", default=None, help="this worker's name (default: host-pid)")
    parser.add_argument("--warc", default=None, metavar="PATH", help="this worker's own WARC archive")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)

    from crawler.distributed.worker import find_run, run_worker, worker_name
    from crawler.process import configure_logging
    from parity.distributed.client import check_url, redact, sync_client, unreachable

    configure_logging(args.verbose)
    problem = check_url(args.redis) or unreachable(args.redis)
    if problem:
        print(f"worker: {problem}", file=sys.stderr)
        return ExitCode.USAGE
    client = sync_client(args.redis)
    found = find_run(client, args.run, args.wait, args.name)
    if found is None:
        print(f"worker: no {'run ' + args.run if args.run else 'current run'} on {redact(args.redis)}",
              file=sys.stderr)
        return ExitCode.USAGE if args.run else ExitCode.OK
    run_id, descriptor = found
    store = args.store or descriptor.get("store")
    if not store:
        print("worker: this run's store is not reachable from here by name; pass --store URL", file=sys.stderr)
        return ExitCode.USAGE
    try:
        return run_worker(args.redis, run_id, descriptor, store, args.name or worker_name(), args.verbose,
                          args.warc)
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - a bug: one line, the traceback only on request
        if os.environ.get("PARITY_DEBUG"):
            raise
        first = (str(exc).splitlines() or [""])[0][:300]
        print(f"worker: internal error: {type(exc).__name__}: {first} (set PARITY_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return ExitCode.INTERNAL


if __name__ == "__main__":
    sys.exit(main())
