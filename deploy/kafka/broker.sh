#!/usr/bin/env bash
# Entrypoint of one Kafka broker of the compose stack (apache/kafka image), KRaft combined mode:
# each of the three nodes is broker and controller. Writes server.properties from the
# environment, formats the storage once (with the admin's SCRAM credential), then starts Kafka.
#
# Listeners:
#   CLIENT     :9092 SASL_SSL, SCRAM-SHA-512  -- the services and the admin (setup.sh)
#   CONTROLLER :9093 SSL, client certificate  -- KRaft quorum (principal User:broker)
#   INTERNAL   :9094 SSL, client certificate  -- replication between brokers (principal User:broker)
# Env: KAFKA_NODE_ID, KAFKA_CLUSTER_ID, KAFKA_KEYSTORE_PASSWORD, KAFKA_ADMIN_PASSWORD,
#      KAFKA_SECRETS (dir with broker.p12 and ca.crt; default /run/secrets)
set -euo pipefail
: "${KAFKA_NODE_ID:?}" "${KAFKA_CLUSTER_ID:?}" "${KAFKA_KEYSTORE_PASSWORD:?}" "${KAFKA_ADMIN_PASSWORD:?}"
SECRETS="${KAFKA_SECRETS:-/run/secrets}"
KAFKA_HOME="${KAFKA_HOME:-/opt/kafka}"
CONF="${KAFKA_CONF:-/tmp/server.properties}"
DATA="${KAFKA_DATA:-/var/lib/kafka/data}"
umask 077
cat > "$CONF" <<PROPS
process.roles=broker,controller
node.id=${KAFKA_NODE_ID}
controller.quorum.voters=1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093
listeners=CLIENT://:9092,CONTROLLER://:9093,INTERNAL://:9094
advertised.listeners=CLIENT://kafka-${KAFKA_NODE_ID}:9092,INTERNAL://kafka-${KAFKA_NODE_ID}:9094
listener.security.protocol.map=CLIENT:SASL_SSL,CONTROLLER:SSL,INTERNAL:SSL
controller.listener.names=CONTROLLER
inter.broker.listener.name=INTERNAL
log.dirs=${DATA}

# TLS everywhere; brokers and controllers authenticate each other by certificate.
ssl.keystore.type=PKCS12
ssl.keystore.location=${SECRETS}/broker.p12
ssl.keystore.password=${KAFKA_KEYSTORE_PASSWORD}
ssl.truststore.type=PEM
ssl.truststore.location=${SECRETS}/ca.crt
ssl.enabled.protocols=TLSv1.3,TLSv1.2
ssl.endpoint.identification.algorithm=https
listener.name.controller.ssl.client.auth=required
listener.name.internal.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^CN=([a-zA-Z0-9.-]*).*\$/\$1/,DEFAULT

# Clients authenticate with SCRAM (users made by setup.sh; the admin at format time).
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;

# Authorisation: nothing without an ACL (acls.tsv), except the brokers and the admin.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:broker;User:admin

# Durability: three replicas, two in sync before a write (producer_acks=-1) is acknowledged.
auto.create.topics.enable=false
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
unclean.leader.election.enable=false
num.partitions=4
PROPS
"$KAFKA_HOME/bin/kafka-storage.sh" format --ignore-formatted --cluster-id "$KAFKA_CLUSTER_ID" --config "$CONF" \
  --add-scram "SCRAM-SHA-512=[name=admin,password=${KAFKA_ADMIN_PASSWORD}]"
exec "$KAFKA_HOME/bin/kafka-server-start.sh" "$CONF"
