"""Readable, one-line logs that never carry a BSN."""
from __future__ import annotations

import logging

from services.kernel.privacy import mask_written_bsns

_FORMAT = logging.Formatter()  # only to render a traceback the way every handler would


class MaskingFilter(logging.Filter):
    """Last line of defence: mask every way a BSN can be written (see privacy.mask_written_bsns) in the whole
    record — the message with its arguments, the traceback and the stack — before any handler formats it.

    A traceback is rendered here and kept as text (``exc_text``): a formatter that rendered ``exc_info``
    itself would otherwise print the exception's message, which may quote raw request bytes, unmasked.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        masked = mask_written_bsns(msg)
        if masked != msg or record.args:
            record.msg, record.args = masked, None
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = _FORMAT.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = mask_written_bsns(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_written_bsns(record.stack_info)
        return True


def setup_logging(service: str, level: str = "info") -> None:
    """One handler on the root logger, with the masking filter; every library's logger reaches it.

    aiohttp (aiohttp.server, aiohttp.web), faust and mode install no handlers of their own when the worker
    runs with ``override_logging=False`` (services.system.worker); any handler that is already there gets
    the filter too, so nothing bypasses it.
    """
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(f"%(asctime)s {service:<7} %(levelname)-5s %(name)s: %(message)s",
                                           "%H:%M:%S"))
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "faust", "mode", "kafka", "alembic", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    mask_every_handler()


def mask_every_handler() -> None:
    """Put the masking filter on every handler of every logger that exists now."""
    loggers = [logging.getLogger()] + [lg for lg in logging.Logger.manager.loggerDict.values()
                                       if isinstance(lg, logging.Logger)]
    for handler in {h for lg in loggers for h in lg.handlers}:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())
