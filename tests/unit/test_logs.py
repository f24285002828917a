"""The log's masking filter (issue 14, item 2): every way a BSN can be written, in every part of a record."""
from __future__ import annotations

import io
import logging

import pytest

from services.kernel.logs import MaskingFilter, setup_logging

WRITTEN = ("111222333", "111 222 333", "1112.22.333", "11-122-2333", "１１１２２２３３３", "१११२२२३३३",
           "%31%31%31222333", "%20111222333", "%2520111-222-333")


def _logged(emit) -> str:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(MaskingFilter())
    log = logging.getLogger("test.masking")
    log.addHandler(handler)
    log.propagate = False
    try:
        emit(log)
    finally:
        log.removeHandler(handler)
    return out.getvalue()


@pytest.mark.parametrize("bsn", WRITTEN)
def test_every_written_form_is_masked_in_message_args_and_traceback(bsn):
    def emit(log):
        log.warning("in the message %s", bsn)
        log.warning("in an argument: %s", f"GET /v1/candidates/{bsn} HTTP/1.1")
        try:
            raise ValueError(f"Bad status line 'GET /{bsn}'")
        except ValueError:
            log.exception("a traceback")
        log.warning("a stack", stack_info=True, extra={"x": bsn})

    text = _logged(emit)
    assert "a traceback" in text and "ValueError" in text and "Traceback" in text
    assert bsn not in text and "222" not in text, text


def test_hex_ids_dates_and_longer_numbers_stay_readable():
    ids = "event 3a111222333f, BAG 0363010000000001, 2026-01-31, count 1234567890"
    assert _logged(lambda log: log.warning(ids)).strip() == ids


def test_a_record_formatted_by_another_formatter_stays_masked():
    # A handler whose formatter renders exc_info itself would print the exception's text unmasked.
    record = logging.LogRecord("aiohttp.server", logging.ERROR, __file__, 1, "Error handling request", None, None)
    try:
        raise RuntimeError("raw bytes b'GET /111222333'")
    except RuntimeError:
        import sys
        record.exc_info = sys.exc_info()
    MaskingFilter().filter(record)
    assert "111222333" not in logging.Formatter("%(message)s").format(record)


def test_setup_puts_the_filter_on_every_handler_libraries_reach():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stray = logging.StreamHandler(io.StringIO())
    library = logging.getLogger("test.library.with.own.handler")
    library.addHandler(stray)
    try:
        setup_logging("test")
        for name in ("aiohttp.server", "aiohttp.web", "faust", "mode", "test.library.with.own.handler"):
            logger = logging.getLogger(name)
            while logger is not None:  # the handlers a record of this logger reaches
                assert all(any(isinstance(f, MaskingFilter) for f in h.filters) for h in logger.handlers), name
                logger = logger.parent if logger.propagate else None
    finally:
        library.removeHandler(stray)
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
