"""Generate the JSON Schemas of every event and the AsyncAPI document of every topic from the code.

Run `python -m contracts.generate` after changing a contract; a test fails while
the committed copies are stale.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from contracts import authenticity
from contracts.deadletter import DeadLetter
from contracts.events import ALL_EVENTS, Event
from contracts.inbound import COMMANDS, KEY_ID_HEADER, SIGNATURE_HEADER, InboundCommand
from contracts.topics import ALL_TOPICS, DEAD_LETTER, DEAD_LETTER_PARTITIONS, INBOUND, INBOUND_PARTITIONS

HERE = Path(__file__).parent
SCHEMA_DIR = HERE / "schemas" / "events"
ASYNCAPI = HERE / "asyncapi.json"
EVENT_FLOW = HERE.parent / "docs" / "event-flow.md"


def schema_name(cls: type[Event]) -> str:
    return f"{cls.__name__}.v{cls.SCHEMA_VERSION}"


def event_schemas() -> dict[str, dict[str, Any]]:
    out = {}
    for cls in ALL_EVENTS:
        schema = cls.model_json_schema(mode="serialization")
        schema["$id"] = f"https://housing-match.nl/contracts/events/{schema_name(cls)}.json"
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        out[schema_name(cls)] = schema
    return out


EVENT_HEADERS = {
    "type": "object", "required": [authenticity.HEADER],
    "properties": {authenticity.HEADER: {
        "type": "string", "pattern": authenticity.HEADER_PATTERN,
        "description": "'v1 <service> <base64 Ed25519 signature>' by the publishing service over the topic, key "
                       "and value (contracts/authenticity.py); consumers dead-letter an event that is unsigned, "
                       "does not verify with that service's public key, or is not that service's to make on "
                       "that topic"}},
}


def asyncapi() -> dict[str, Any]:
    channels, operations, messages = {}, {}, {}
    for cls in ALL_EVENTS:
        messages[cls.__name__] = {
            "name": cls.__name__, "title": cls.__name__, "contentType": "application/json",
            "summary": (cls.__doc__ or cls.__name__).strip().splitlines()[0],
            "payload": {"$ref": f"schemas/events/{schema_name(cls)}.json"},
            "headers": EVENT_HEADERS,
        }
    messages["DeadLetter"] = {"name": "DeadLetter", "contentType": "application/json",
                              "payload": DeadLetter.model_json_schema()}
    for t in ALL_TOPICS:
        cid = t.name.replace(".", "-")
        channels[cid] = {
            "address": t.name, "description": t.description,
            "messages": {cls.__name__: {"$ref": f"#/components/messages/{cls.__name__}"} for cls in t.events},
            "bindings": {"kafka": {"topic": t.name, "partitions": t.partitions, "bindingVersion": "0.5.0"}},
            "x-key": f"event field '{t.key}'",
        }
        for action, verb, side in (("send", "makes", t.producers), ("receive", "handles", t.consumers)):
            for service, events in side.items():
                names = ", ".join(cls.__name__ for cls in events)
                operations[f"{service}-{action}-{cid}"] = {
                    "action": action, "channel": {"$ref": f"#/channels/{cid}"},
                    "summary": f"The {service} {verb} {names}",
                    "description": t.description + f" Key: event field '{t.key}'.",
                    "messages": [{"$ref": f"#/channels/{cid}/messages/{cls.__name__}"} for cls in events]}
    channels["dead-letter"] = {
        "address": DEAD_LETTER, "description": "Poison messages with their reason and masked original bytes.",
        "messages": {"DeadLetter": {"$ref": "#/components/messages/DeadLetter"}},
        "bindings": {"kafka": {"topic": DEAD_LETTER, "partitions": DEAD_LETTER_PARTITIONS, "bindingVersion": "0.5.0"}},
    }
    messages["InboundCommand"] = {
        "name": "InboundCommand", "contentType": "application/json",
        "summary": "One signed command of a streaming partner: the same body as the matching HTTP request.",
        "description": (
            "`command` is one of " + ", ".join(f"`{c}`" for c in COMMANDS) + "; `body` is validated with the "
            "request model of the HTTP operation it mirrors (services/intake/API.md, the intake's OpenAPI), "
            "`target` is the id that operation's path would carry. Results come back on housing.outbound.v1 "
            "(`command.accepted` / `command.rejected`); refused messages also go to the dead-letter topic."),
        "payload": InboundCommand.model_json_schema(),
        "headers": {
            "type": "object", "required": [KEY_ID_HEADER, SIGNATURE_HEADER],
            "properties": {
                KEY_ID_HEADER: {"type": "string", "pattern": "^[0-9a-f]{16}$",
                                "description": "First 16 hex characters of the SHA-256 of the signing API token"},
                SIGNATURE_HEADER: {"type": "string", "pattern": "^[0-9a-f]{64}$",
                                   "description": "Hex HMAC-SHA256 over the raw message value, keyed with the "
                                                  "token's signing key (contracts/inbound.py signing_key)"},
            },
        },
        "bindings": {"kafka": {"key": {"type": "string", "description": "The sending organisation's id (org_id)"},
                               "bindingVersion": "0.5.0"}},
    }
    channels["inbound"] = {
        "address": INBOUND,
        "description": "Commands from streaming partners (shelters, corporations, municipalities, monitoring "
                       "sources) to the intake, signed per organisation. No BSN: only person references.",
        "messages": {"InboundCommand": {"$ref": "#/components/messages/InboundCommand"}},
        "bindings": {"kafka": {"topic": INBOUND, "partitions": INBOUND_PARTITIONS, "bindingVersion": "0.5.0"}},
        "x-key": "the sending organisation's id",
    }
    operations["intake-receive-inbound"] = {"action": "receive", "channel": {"$ref": "#/channels/inbound"},
                                     "summary": "The intake takes partners' signed commands",
                                     "description": "Each command is checked (signature, organisation, body) "
                                                    "and handled like its HTTP request."}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "housing-match events", "version": "1.0.0",
                 "description": "Topics and events of the housing-allocation matching service.",
                 "license": {"name": "EUPL-1.2", "url": "https://interoperable-europe.ec.europa.eu/collection/eupl"},
                 "contact": {"name": "housing-match maintainers"},
                 "tags": [{"name": "matching"}, {"name": "ledger"}, {"name": "partners"}]},
        "servers": {"cluster": {
            "host": "{bootstrap}", "protocol": "kafka",
            "description": "The deployment's Apache Kafka cluster (TLS and SASL/SCRAM in production: deploy/README.md)",
            "variables": {"bootstrap": {"description": "KAFKA_BOOTSTRAP_SERVERS of the deployment"}}}},
        "defaultContentType": "application/json",
        "channels": channels, "operations": operations, "components": {"messages": messages},
    }


def event_flow_table() -> str:
    """docs/event-flow.md: where each event is made, who handles it, on which topic and key."""
    lines = ["# Event flow", "",
             "Generated from `contracts/topics.py` by `python -m contracts.generate`; a test fails while it is stale.",
             "Every service subscribes to the topics where it handles an event, and nowhere else.", "",
             "| event | topic | key | made by | handled by |", "| --- | --- | --- | --- | --- |"]
    for t in ALL_TOPICS:
        for cls in t.events:
            made = ", ".join(t.made_by(cls)) or "— (no producer yet)"
            handled = ", ".join(t.handled_by(cls)) or "— (partners' own systems)"
            lines.append(f"| `{cls.__name__}` | `{t.name}` | `{t.key}` | {made} | {handled} |")
    lines += [f"| `InboundCommand` | `{INBOUND}` | organisation id | partners | intake |",
              f"| `DeadLetter` | `{DEAD_LETTER}` | original key | every service | operators (`housing-match dlq`) |"]
    return "\n".join(lines) + "\n"


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def expected_files() -> dict[Path, str]:
    files = {SCHEMA_DIR / f"{name}.json": render(s) for name, s in event_schemas().items()}
    files[ASYNCAPI] = render(asyncapi())
    files[EVENT_FLOW] = event_flow_table()
    return files


def write() -> list[Path]:
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for old in SCHEMA_DIR.glob("*.json"):
        old.unlink()
    files = expected_files()
    for path, text in files.items():
        path.write_text(text)
    return list(files)


if __name__ == "__main__":
    for p in write():
        print(p.relative_to(HERE.parent), file=sys.stderr)
