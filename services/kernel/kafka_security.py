"""The client side of TLS and SASL, the same for faust, aiokafka producers, consumers and the admin client."""
from __future__ import annotations

import ssl
from typing import Any

from services.kernel.config import Settings

PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")


def ssl_context(conf: Settings) -> ssl.SSLContext | None:
    if conf.kafka_security_protocol not in ("SSL", "SASL_SSL"):
        return None
    ctx = ssl.create_default_context(cafile=conf.kafka_ssl_cafile)
    if conf.kafka_ssl_certfile:
        ctx.load_cert_chain(conf.kafka_ssl_certfile, conf.kafka_ssl_keyfile)
    return ctx


def aiokafka_options(conf: Settings) -> dict[str, Any]:
    """Keyword arguments for AIOKafkaProducer/Consumer/AdminClient."""
    if conf.kafka_security_protocol not in PROTOCOLS:
        raise ValueError(f"KAFKA_SECURITY_PROTOCOL must be one of {', '.join(PROTOCOLS)}")
    opts: dict[str, Any] = {"security_protocol": conf.kafka_security_protocol}
    if ctx := ssl_context(conf):
        opts["ssl_context"] = ctx
    if conf.kafka_security_protocol.startswith("SASL"):
        opts.update(sasl_mechanism=conf.kafka_sasl_mechanism, sasl_plain_username=conf.kafka_sasl_username,
                    sasl_plain_password=conf.kafka_sasl_password)
    return opts


def faust_credentials(conf: Settings):
    import faust

    ctx = ssl_context(conf)
    if conf.kafka_security_protocol.startswith("SASL"):
        return faust.SASLCredentials(username=conf.kafka_sasl_username, password=conf.kafka_sasl_password,
                                     ssl_context=ctx, mechanism=conf.kafka_sasl_mechanism)
    if ctx is not None:
        return faust.SSLCredentials(ctx)
    return None


def faust_broker_url(bootstrap: str) -> str:
    return ";".join(f"kafka://{h.strip()}" for h in bootstrap.split(",") if h.strip())
