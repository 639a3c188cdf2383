"""The fault server for reliability tests (like Scrapy's ``tests/mockserver``): a plan on real ports.

``python -m tests.support.faultserver --plan plan.json --log access.jsonl``
binds port 0 on each planned host, prints ONE JSON line
``{"main": "http://127.0.0.1:PORT", ...}`` on stdout and serves until
SIGTERM/SIGINT. Tests start it as a subprocess (:class:`FaultServerProcess`) so
it survives the crawl being interrupted or killed; the tests of the server
itself run it in threads (:class:`FaultServer`). No Scrapy, no reactor.

Each host is a :class:`~tests.support.fault_http.FaultyServer` (the demo's
server with fault rules in front) serving a
:class:`~tests.support.fault_site.PlanSite`; the plan's rules are the fault
rules (``tests/support/fault_plan.py``). Every answered request is one line of
the access log (JSONL, flushed as it is written, readable while the server
runs): host label, method, target, attempt number at that target, fault kind,
status sent (0 = no status line), start and end wall-clock times, the
User-Agent and the Authorization header received. ``GET /__fault__/log``
answers the same list.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from parity.demo.accesslog import AccessLog, LogEntry
from parity.demo.httpmsg import Request, Response
from tests.support import fault_kinds, run
from tests.support.fault_http import FaultyServer
from tests.support.fault_plan import Plan, SitePlan, permanent_faults, transient_faults
from tests.support.fault_site import PlanSite
from tests.support.faults import FaultInjector

CONTROL_PREFIX = "/__fault__/"


def hit(entry: LogEntry) -> dict[str, Any]:
    """One access-log line of the fault server."""
    return {"host": entry.server, "method": entry.method, "target": entry.target,
            "attempt": entry.meta.get("attempt"), "fault": entry.meta.get("fault"), "status": entry.status,
            "start": entry.at, "end": entry.end, "user_agent": entry.user_agent, "authorization": entry.authorization}


class _HostServer(FaultyServer):
    """A planned host: its control endpoints answer for the whole plan."""

    control_prefix = CONTROL_PREFIX
    owner: FaultServer

    def control(self, request: Request) -> Response:
        if request.path.startswith(CONTROL_PREFIX + "log"):
            return Response.json(self.owner.log())
        return Response.json(self.owner.urls())


class FaultServer:
    """Runs a plan in daemon threads of this process: ``with FaultServer(plan) as s: s.url("main")``."""

    def __init__(self, plan: Plan, log_path: str | Path | None = None) -> None:
        self.plan = plan
        self.log_path = Path(log_path) if log_path else None
        self._log_file: TextIO | None = self.log_path.open("a", encoding="utf-8") if self.log_path else None
        self.access_log = AccessLog(on_record=self._write)
        self._servers: dict[str, _HostServer] = {}

    def _write(self, entry: LogEntry) -> None:
        if self._log_file:
            self._log_file.write(json.dumps(hit(entry), ensure_ascii=False) + "\n")
            self._log_file.flush()

    # lifecycle
    def start(self) -> FaultServer:
        for site in self.plan.sites.values():  # gzip bombs are built before the first request, not during it
            for rule in site.faults:
                if rule.kind == "gzip_bomb":
                    fault_kinds.gzip_bomb(int(rule.params.get("megabytes", 200)))
        for label, site in self.plan.sites.items():  # bind every port first: a rule may name another host
            server = _HostServer(label, PlanSite(site, self.expand), host=site.bind, access_log=self.access_log,
                                 gzip_enabled=False, latency=site.latency)
            server.owner = self
            self._servers[label] = server
        for label, server in self._servers.items():
            site = self.plan.sites[label]
            assert isinstance(server.app, PlanSite)
            server.app.base_url = server.base_url
            server.faults = FaultInjector([rule.to_fault(self.expand, site.seed) for rule in site.faults])
            server.start()
        return self

    def stop(self) -> None:
        """Release hanging answers, wait (≤ 5 s) until every request in flight is logged, close."""
        for server in self._servers.values():
            server.stopping.set()
        for server in self._servers.values():
            server.stop()
        if self._log_file:
            self._log_file.close()
            self._log_file = None

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, host: str = "main") -> str:
        return self._servers[host].base_url

    def urls(self) -> dict[str, str]:
        return {label: self.url(label) for label in self._servers}

    def expand(self, text: str) -> str:
        """``{host:LABEL}`` in a plan's bodies, sitemap entries and redirect targets → that host's base URL."""
        if "{host:" not in text:
            return text
        for label in self._servers:
            text = text.replace("{host:" + label + "}", self.url(label))
        return text

    def log(self) -> list[dict[str, Any]]:
        return [hit(e) for e in self.access_log.entries]


class FaultServerProcess:
    """``python -m tests.support.faultserver`` as a context manager; its access log is a JSONL file."""

    def __init__(self, plan: Plan, workdir: Path) -> None:
        self.plan = plan
        self.workdir = Path(workdir)
        self.plan_path = self.workdir / "faultplan.json"
        self.log_path = self.workdir / "access.jsonl"
        self.proc: Any = None
        self.urls: dict[str, str] = {}

    def start(self) -> FaultServerProcess:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.plan_path.write_text(self.plan.to_json(), encoding="utf-8")
        self.proc = run.start_module("tests.support.faultserver", "--plan", self.plan_path, "--log", self.log_path)
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read()
            raise RuntimeError(f"fault server did not start: {err[-2000:]}")
        self.urls = json.loads(line)
        return self

    def url(self, host: str = "main") -> str:
        return self.urls[host]

    def log(self) -> list[dict[str, Any]]:
        if not self.log_path.exists():
            return []
        return [json.loads(x) for x in self.log_path.read_text(encoding="utf-8").splitlines() if x.strip()]

    def stop(self) -> None:
        if self.proc is not None:
            run.stop(self.proc)
            self.proc = None

    def __enter__(self) -> FaultServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _plan_from_args(args: argparse.Namespace) -> Plan:
    if args.plan:
        return Plan.from_json(Path(args.plan).read_text(encoding="utf-8"))
    site = SitePlan(pages=args.pages, seed=args.seed)
    paths = site.page_paths()
    if args.transient_rate:
        site.faults += transient_faults(args.seed, paths, args.transient_rate)
    if args.permanent:
        taken = {r.path for r in site.faults}
        site.faults += permanent_faults(args.seed + 1, [p for p in paths if p not in taken], args.permanent)
    return Plan(sites={"main": site})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.faultserver", description=__doc__.splitlines()[0])
    parser.add_argument("--plan", help="plan JSON (see tests/support/fault_plan.py); overrides the options below")
    parser.add_argument("--log", help="append the access log here (JSONL)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--transient-rate", type=float, default=0.0)
    parser.add_argument("--permanent", type=int, default=0)
    args = parser.parse_args(argv)
    server = FaultServer(_plan_from_args(args), args.log).start()
    try:
        run.announce_and_wait(server.urls())
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
