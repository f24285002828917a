#!/usr/bin/env bash
# One-shot setup of the compose stack's Kafka cluster, run as the admin (a super user):
# SCRAM users of the services, the product's topics (replication factor 3) and the ACLs.
# Idempotent: run it again after changing topics.tsv, acls.tsv or a password.
# Env: KAFKA_BOOTSTRAP (default kafka-1:9092,kafka-2:9092,kafka-3:9092), KAFKA_ADMIN_PASSWORD,
#      KAFKA_INTAKE_PASSWORD, KAFKA_MATCHER_PASSWORD, KAFKA_LEDGER_PASSWORD, KAFKA_SIMULATION_PASSWORD,
#      KAFKA_SECRETS (ca.crt)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
BIN="${KAFKA_HOME:-/opt/kafka}/bin"
BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka-1:9092,kafka-2:9092,kafka-3:9092}"
SECRETS="${KAFKA_SECRETS:-/run/secrets}"
: "${KAFKA_ADMIN_PASSWORD:?}" "${KAFKA_INTAKE_PASSWORD:?}" "${KAFKA_MATCHER_PASSWORD:?}" "${KAFKA_LEDGER_PASSWORD:?}"
: "${KAFKA_SIMULATION_PASSWORD:?}"
umask 077
ADMIN=/tmp/admin.properties
cat > "$ADMIN" <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
ssl.truststore.type=PEM
ssl.truststore.location=${SECRETS}/ca.crt
PROPS
k() { "$BIN/$1" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN" "${@:2}"; }

echo "waiting for the cluster" >&2
for _ in $(seq 1 60); do
  k kafka-topics.sh --list >/dev/null 2>&1 && break
  sleep 2
done
k kafka-topics.sh --list >/dev/null

# One SCRAM user per user of acls.tsv (intake, matcher, ledger, simulation), each with its own password.
for user in $(grep -v '^#' "$HERE/acls.tsv" | cut -f1 | sort -u); do
  var="KAFKA_$(echo "$user" | tr a-z A-Z)_PASSWORD"
  [ -n "${!var:-}" ] || { echo "$var is not set (acls.tsv names the user $user)" >&2; exit 1; }
  k kafka-configs.sh --alter --entity-type users --entity-name "$user" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=${!var}]"
done

grep -v '^#' "$HERE/topics.tsv" | while IFS=$'\t' read -r topic partitions; do
  [ -n "$topic" ] || continue
  k kafka-topics.sh --create --if-not-exists --topic "$topic" --partitions "$partitions" \
    --replication-factor 3 --config min.insync.replicas=2 --config max.message.bytes=1048576
done

grep -v '^#' "$HERE/acls.tsv" | while IFS=$'\t' read -r user operation resource name; do
  [ -n "$user" ] || continue
  k kafka-acls.sh --add --allow-principal "User:$user" --operation "$operation" "--$resource" "$name" >/dev/null
done
k kafka-acls.sh --list
echo "kafka setup done" >&2
