"""Same data, same protected table: whatever the process's hash seed (set iteration order), no clock decides."""
from __future__ import annotations

import os
import subprocess
import sys

PROGRAM = """
import hashlib
from services.ledger.domain import protected, table
from services.ledger.service_layer import reports
from tests.unit.ledger.test_attack import inputs
inp, _ = inputs(0.3)
t = table.count(reports._places(inp), inp.day, [(a.corporation, a.municipality, a.period) for a in inp.agreements],
                [(n.neighbourhood, n.municipality, n.period) for n in inp.limits],
                {a.municipality: a.region for a in inp.agreements})
p = protected.protect(t)
print(hashlib.sha256(repr((sorted(p.secondary, key=repr), sorted((k, sorted(v, key=repr))
                                                                 for k, v in p.revealed.items()))).encode()).hexdigest())
"""


def test_two_processes_with_different_hash_seeds_protect_alike():
    digests = set()
    for seed in ("1", "2024"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, env=env, timeout=300,
                             check=True)
        digests.add(out.stdout.strip())
    assert len(digests) == 1, digests
