"""Has the matcher taken in everything the partners submitted? The demo's drive asks before it
calls the pipeline quiet.

A quiet HTTP side alone is not enough: under load (CI runs four stacks at once) the matcher can
still be reading the candidates submitted seconds ago, and a drive that stopped then reported a
run without a single offer. The matcher's own tables say it for certain: every submitted candidate
has a row, none of their offers waits for an answer the matcher has not read yet (the drive
answers every offer it sees), no region waits for a round, and nothing the rounds decided waits in
the outbox. A proposal waiting for the transfer point (review on) waits for people, not for the
pipeline, and does not count.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import bindparam, text
from sqlalchemy.exc import OperationalError

from services.kernel.config import Settings
from services.kernel.db import make_engine


def matcher_caught_up(conf: Settings, candidate_ids: Iterable[str]) -> Callable[[], bool]:
    """A probe: True once the matcher holds every one of ``candidate_ids`` and has nothing pending.

    The probe opens its own engine: call ``probe.close()`` when done."""
    wanted = sorted(set(candidate_ids))
    engine = make_engine(conf.db_url("matcher"))
    known = text("select count(*) from matcher_candidate where candidate_id in :ids").bindparams(
        bindparam("ids", expanding=True))
    unanswered = text("select count(*) from matcher_offer where candidate_id in :ids"
                      " and status in ('made', 'confirmed', 'accepted')").bindparams(bindparam("ids", expanding=True))
    pending = text("select (select count(*) from matcher_region_clock where dirty)"
                   " + (select count(*) from matcher_outbox)")

    def probe() -> bool:
        try:
            with engine.connect() as db:
                if wanted and (db.execute(known, {"ids": wanted}).scalar_one() < len(wanted)
                               or db.execute(unanswered, {"ids": wanted}).scalar_one() > 0):
                    return False
                return db.execute(pending).scalar_one() == 0
        except OperationalError:  # the database restarts (a fault test): not caught up yet
            return False
    probe.close = engine.dispose  # type: ignore[attr-defined]
    return probe
