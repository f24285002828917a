"""Helpers of the deploy tests: load the compose file as docker compose would, derive the ACL table."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
KAFKA = DEPLOY / "kafka"
SERVICES = ("intake", "matcher", "ledger")
#: Every Kafka user of the product: the services and the simulation worker (issue 21), each with its own ACLs.
KAFKA_USERS = (*SERVICES, "simulation")
PROJECT_IMAGE = "housing-match:local"

#: Kafka client settings the services must read (implemented in services/kernel/config.py by the lead).
KAFKA_SECURITY_ENV = {
    "KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD",
    "KAFKA_SSL_CAFILE", "KAFKA_SSL_CERTFILE", "KAFKA_SSL_KEYFILE",
}

_VAR = re.compile(r"\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


def stack_env_names() -> set[str]:
    """The variables gen-secrets.sh writes into stack.env."""
    text = (KAFKA / "gen-secrets.sh").read_text()
    block = text.split("cat > stack.env <<ENV", 1)[1].split("\nENV\n", 1)[0]
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", block, re.M))


def interpolate(text: str, env: dict[str, str], seen: set[str] | None = None) -> str:
    """Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR:?error}, $$ for a literal $."""
    def sub(m: re.Match) -> str:
        if m.group(0) == "$$":
            return "$"
        name = m.group(1) or m.group(4)
        if seen is not None:
            seen.add(name)
        if name in env:
            return env[name]
        if m.group(2) in (":-", "-"):
            return m.group(3)
        raise KeyError(f"compose variable {name} has no value and no default")
    return _VAR.sub(sub, text)


def load_compose(env: dict[str, str] | None = None) -> dict:
    text = COMPOSE.read_text()
    if env is not None:
        text = interpolate(text, env)
    return yaml.safe_load(text)


def project_services(doc: dict) -> dict[str, dict]:
    return {n: s for n, s in doc["services"].items() if s.get("image") == PROJECT_IMAGE}


# --- ACLs from the code -------------------------------------------------------------------

def _event_names() -> set[str]:
    from contracts import events as ev
    return {n for n in dir(ev) if isinstance(getattr(ev, n), type) and issubclass(getattr(ev, n), ev.Event)
            and getattr(ev, n) is not ev.Event}


def emitted_events(service: str) -> set[str]:
    """Event classes a service constructs (``ev.X`` outside annotations, dict keys and isinstance)."""
    names, found = _event_names(), set()
    # The simulation worker is no service of its own: it lives with the system that starts it (issue 21).
    code = ROOT / "services" / ("system/simulation_worker" if service == "simulation" else service)
    for f in code.rglob("*.py"):
        if "migrations" in f.parts:
            continue
        tree = ast.parse(f.read_text())
        skip: set[int] = set()
        for node in ast.walk(tree):
            parts = []
            if isinstance(node, ast.arg) and node.annotation is not None:
                parts.append(node.annotation)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
                parts.append(node.returns)
            if isinstance(node, ast.Dict):
                parts += [k for k in node.keys if k is not None]  # HANDLERS = {ev.X: handler}
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance":
                parts.append(node)
            for p in parts:
                skip |= {id(n) for n in ast.walk(p)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ev"
                    and node.attr in names and id(node) not in skip):
                found.add(node.attr)
    return found


def agents_module(service: str) -> Path:
    if service == "simulation":
        return ROOT / "services" / "system" / "simulation_worker" / "agents.py"
    return ROOT / "services" / service / "entrypoints" / "agents.py"


def consumed_topics(service: str) -> set[str]:
    """Topic names referenced as ``topics.X`` in the service's agents module, and its declared subscriptions."""
    from contracts import topics
    from contracts.vocabulary import Service
    tree = ast.parse(agents_module(service).read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "topics":
            value = getattr(topics, node.attr)
            if isinstance(value, topics.TopicSpec):
                out.add(value.name)
            elif isinstance(value, str):
                out.add(value)
    # The events agent subscribes to what contracts/topics.py declares it consumes (topics.consumed_by).
    return out | {t.name for t in topics.consumed_by(Service(service))}


def derived_acls() -> set[tuple[str, str, str, str]]:
    from contracts import events as ev
    from contracts import topics
    rows = set()
    for svc in KAFKA_USERS:
        for t in consumed_topics(svc):
            rows.add((svc, "Read", "topic", t))
        for name in emitted_events(svc):
            rows.add((svc, "Write", "topic", topics.TOPIC_OF_EVENT[getattr(ev, name)].name))
        rows.add((svc, "Write", "topic", topics.DEAD_LETTER))
        rows.add((svc, "Read", "group", f"housing-{svc}"))
    return rows


def declared_acls() -> set[tuple[str, str, str, str]]:
    """The same table from the other side: the producers and consumers contracts/topics.py declares per topic."""
    from contracts import topics
    rows = {(str(s), "Write", "topic", t.name) for t in topics.ALL_TOPICS for s in t.producers}
    rows |= {(str(s), "Read", "topic", t.name) for t in topics.ALL_TOPICS for s in t.consumers}
    rows |= {(u, "Write", "topic", topics.DEAD_LETTER) for u in KAFKA_USERS}  # every consumer may dead-letter
    rows |= {(u, "Read", "group", f"housing-{u}") for u in KAFKA_USERS}
    return rows | {("intake", "Read", "topic", topics.INBOUND)}  # partners' signed commands (not in ALL_TOPICS)


def read_tsv(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text().splitlines() if line and not line.startswith("#")]
