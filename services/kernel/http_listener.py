"""What a service's listener answers when aiohttp itself cannot read a request.

aiohttp parses the request line and headers before any middleware runs. When that fails (a bad request
line, an invalid header, a line over the size limit) its connection handler answers text/plain with the
parser's message, which quotes the raw bytes (a BSN in the request line comes back in the answer), and
logs the exception with those bytes. Here such a request gets a problem+json answer that quotes nothing,
with the product's headers, and one log line naming the kind of error only.

aiohttp offers no public hook for these answers: the runner below makes its server create connection
handlers of a subclass whose ``handle_error`` (aiohttp's own method for them) answers as a problem.
"""
from __future__ import annotations

import logging
from http import HTTPStatus

from aiohttp import web
from aiohttp.http_exceptions import BadHttpMethod
from aiohttp.web_protocol import RequestHandler

from services.kernel.http import API_VERSION, SECURITY_HEADERS, problem

log = logging.getLogger(__name__)


class ProblemRequestHandler(RequestHandler):
    """aiohttp's connection handler, with its own error answers as problem details that quote nothing."""

    def handle_error(self, request: web.BaseRequest, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        # ``message`` and ``str(exc)`` quote the raw request bytes: neither is logged nor answered.
        kind = type(exc).__name__ if exc is not None else "timeout" if status == 504 else "error"
        if status >= 500:
            # An error that escaped the application: its traceback helps (the log filter masks BSNs in it).
            log.error("could not answer a request (%d, %s)", status, kind, exc_info=exc)
        elif isinstance(exc, BadHttpMethod):
            # Mostly TLS or other non-HTTP traffic on this port: noise at info level.
            log.debug("refused a request that is not HTTP (%d, %s)", status, kind)
        else:
            log.info("refused a request that could not be read (%d, %s)", status, kind)
        if request.writer.output_size > 0:  # part of an answer went out already: the connection is broken
            raise ConnectionError("an answer was already being sent")
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        detail = ("the request could not be read as HTTP (request line, headers or their size)" if status < 500
                  else "the server could not handle the request")
        response = problem(status, phrase, detail,
                           headers={"API-Version": API_VERSION, **SECURITY_HEADERS, "Connection": "close"})
        response.force_close()
        return response


class ProblemServer(web.Server):
    """aiohttp's server (the protocol factory of the listening socket), making ProblemRequestHandlers."""

    @classmethod
    def like(cls, server: web.Server) -> ProblemServer:
        """The same server — the application's handler, request factory and handler settings."""
        return cls(server.request_handler, request_factory=server.request_factory,
                   handler_cancellation=server.handler_cancellation, loop=server._loop, **server._kwargs)

    def __call__(self) -> RequestHandler:
        return ProblemRequestHandler(self, loop=self._loop, **self._kwargs)


class ProblemAppRunner(web.AppRunner):
    """An AppRunner whose listener answers unreadable requests with problem details."""

    async def _make_server(self) -> web.Server:
        return ProblemServer.like(await super()._make_server())


def answer_unreadable_requests_as_problems(web_driver) -> None:
    """Give a faust web driver (faust.web.drivers.aiohttp.Web) the runner above, before it starts.

    faust makes its AppRunner in the driver's constructor and offers no setting for it; its web server
    starts from that attribute, so replacing it here is the one place to do so.
    """
    web_driver._runner = ProblemAppRunner(web_driver.web_app, access_log=None)
