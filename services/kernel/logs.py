"""Readable, one-line logs that never carry a BSN."""
from __future__ import annotations

import logging

from services.kernel.privacy import mask_bsn_like_text


class MaskingFilter(logging.Filter):
    """Last line of defence: mask nine-digit runs in any log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        masked = mask_bsn_like_text(msg)
        if masked != msg:
            record.msg, record.args = masked, None
        return True


def setup_logging(service: str, level: str = "info") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(f"%(asctime)s {service:<7} %(levelname)-5s %(name)s: %(message)s",
                                           "%H:%M:%S"))
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "faust", "mode", "kafka", "alembic", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
