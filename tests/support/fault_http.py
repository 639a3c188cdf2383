"""The demo's HTTP server with faults in front of the app: the one fault-injecting server of the tests.

``FaultyServer`` is ``parity.demo.httpserver.DemoServer`` (keep-alive, HEAD,
304, gzip, access log) plus a :class:`~tests.support.faults.FaultInjector`:
every request is first checked against the fault rules; a chosen fault
answers instead of the app (``tests/support/fault_kinds.py``), in the app's
own error format where it has one. The access log notes each request's
attempt number at its URL and the fault kind that answered it.

Faults are also reachable over HTTP: ``GET``/``POST``/``DELETE /__demo__/faults``.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any

from parity.demo.httpmsg import App, Request, Response
from parity.demo.httpserver import DemoServer, finish_response
from tests.support import fault_kinds
from tests.support.faults import Fault, FaultInjector
from tests.support.wire import Closed, RawResponse, Wire


class FaultyServer(DemoServer):
    """``DemoServer`` whose answers go through fault rules first; ``latency`` delays every unfaulted answer."""

    def __init__(self, name: str, app: App, *, faults: FaultInjector | None = None, latency: float = 0.0,
                 **options: Any) -> None:
        super().__init__(name, app, **options)
        self.faults = faults if faults is not None else FaultInjector()
        self.latency = latency

    def respond(self, request: Request) -> Response:
        fault, attempt = self.faults.check(request)
        request.meta.update(attempt=attempt, fault=fault.kind if fault else None)
        if fault is None:
            if self.latency:
                self.stopping.wait(self.latency)
            return super().respond(request)
        delay = fault_kinds.delay_of(fault)
        if delay:
            self.stopping.wait(delay)
        response = fault_kinds.answer(fault, request, self.app)
        if isinstance(response, RawResponse):
            return response
        return finish_response(request, response, allow_gzip=self.gzip_enabled)

    def record(self, request: Request, response: Response, at: float) -> None:
        """A raw answer is logged once written (its status is known then: 0 if the connection was dropped)."""
        if isinstance(response, RawResponse):
            response.arrived = at
        else:
            super().record(request, response, at)

    def send(self, handler: BaseHTTPRequestHandler, request: Request, response: Response) -> None:
        if not isinstance(response, RawResponse) or response.writer is None:
            super().send(handler, request, response)
            return
        status = 0
        try:
            status = response.writer(Wire(handler, self.stopping))
        except Closed:
            handler.close_connection = True
        finally:
            self.log(request, status, response.arrived)

    def control(self, request: Request) -> Response:
        """``/__demo__/faults``: list (GET), add one (POST, a ``Fault`` as JSON), clear (DELETE)."""
        if request.path[len(self.control_prefix):].strip("/") != "faults":
            return super().control(request)
        if request.method == "GET":
            return Response.json([f.to_dict() for f in self.faults.faults])
        if request.method == "POST":
            try:
                fault = self.faults.add(Fault.from_dict(json.loads(request.body or b"{}")))
            except (ValueError, TypeError) as exc:
                return Response.json({"error": str(exc)}, status=400)
            return Response.json(fault.to_dict(), status=201)
        if request.method == "DELETE":
            self.faults.clear()
            return Response.json({"cleared": True})
        return Response.json({"error": "unknown control endpoint"}, status=404)
