"""deploy/prometheus/alerts.yml: valid for promtool, firing when it should, on metrics the code defines."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml
from prometheus_client.metrics import MetricWrapperBase

from services.kernel import metrics
from tests.unit.deploy.support import DEPLOY

RULES = DEPLOY / "prometheus" / "alerts.yml"
TESTS = DEPLOY.parent / "tests" / "unit" / "deploy" / "alerts_test.yml"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(PROMTOOL is None, reason="promtool missing (scripts/install-tools.sh installs it)")


@needs_promtool
def test_promtool_checks_the_rules():
    out = subprocess.run([PROMTOOL, "check", "rules", str(RULES)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr


@needs_promtool
def test_promtool_unit_tests_of_the_alerts_pass():
    out = subprocess.run([PROMTOOL, "test", "rules", str(TESTS)], capture_output=True, text=True, timeout=30,
                         cwd=TESTS.parent)
    assert out.returncode == 0, out.stdout + out.stderr


def test_alerts_use_only_metrics_the_services_export():
    exported = set()
    for value in vars(metrics).values():
        if not isinstance(value, MetricWrapperBase):
            continue
        for fam in value.describe():
            exported |= {s.name for s in fam.samples} | {fam.name, fam.name + "_total"}
    exported |= {"up"}
    rules = [r for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]]
    names = {"HousingConsumerLagHigh", "HousingEventsDeadLettered", "HousingConsumerStopped", "HousingNoMatchingRound", "HousingSolveGapHigh"}
    assert names <= {r["alert"] for r in rules}
    for r in rules:
        used = set(re.findall(r"\b(housing_[a-z_]+)\b", r["expr"]))
        assert used and used <= exported, (r["alert"], used - exported)
        assert r["labels"]["severity"] in ("warning", "critical")
