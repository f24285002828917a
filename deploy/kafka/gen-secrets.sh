#!/usr/bin/env bash
# Make the secrets of the compose stack: a private CA, the Kafka brokers' TLS keystore, the
# intake's HTTPS certificate, and random passwords (stack.env, read by `docker compose --env-file`).
# Usage: deploy/kafka/gen-secrets.sh [OUT_DIR]   (default deploy/kafka/generated; kept if it exists)
set -euo pipefail
OUT="${1:-$(cd "$(dirname "$0")" && pwd)/generated}"
if [ -f "$OUT/stack.env" ]; then
  echo "$OUT/stack.env exists; remove $OUT to make new secrets" >&2
  exit 0
fi
mkdir -p "$OUT"
chmod 700 "$OUT"
cd "$OUT"
rand() { openssl rand -hex 24; }
DAYS=825

openssl req -x509 -new -nodes -newkey rsa:3072 -sha256 -days 3650 -keyout ca.key -out ca.crt \
  -subj "/CN=housing-match dev CA" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

issue() {  # issue NAME CN SAN EKU
  openssl req -new -nodes -newkey rsa:2048 -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=%s\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n' \
    "$3" "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days "$DAYS" \
    -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

# One certificate for the three brokers. Its CN is the brokers' principal (User:broker) on the
# mutual-TLS controller and inter-broker listeners (ssl.principal.mapping.rules in broker.sh).
issue broker broker "DNS:kafka-1,DNS:kafka-2,DNS:kafka-3,DNS:localhost" "serverAuth,clientAuth"
KEYSTORE_PASSWORD="$(rand)"
openssl pkcs12 -export -in broker.crt -inkey broker.key -certfile ca.crt -name broker \
  -out broker.p12 -passout "pass:$KEYSTORE_PASSWORD"
# The intake's HTTPS listener (INTAKE_TLS_CERT / INTAKE_TLS_KEY).
issue intake-https intake "DNS:intake,DNS:localhost,IP:127.0.0.1" "serverAuth"
rm -f ca.srl

# Event signing keys (services/kernel/signing.py): an Ed25519 pair per service that publishes events.
openssl genpkey -algorithm ed25519 -out intake-events.key
openssl genpkey -algorithm ed25519 -out matcher-events.key
openssl genpkey -algorithm ed25519 -out simulation-events.key
raw() { openssl pkey -in "$@" -outform DER | tail -c 32 | base64; }  # base64 of the raw key: the DER's last 32 bytes

cat > stack.env <<ENV
# Secrets of the compose stack (made by gen-secrets.sh). Never commit this file.
KAFKA_CLUSTER_ID=$(python3 -c 'import base64,uuid;print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))')
KAFKA_KEYSTORE_PASSWORD=$KEYSTORE_PASSWORD
KAFKA_ADMIN_PASSWORD=$(rand)
KAFKA_INTAKE_PASSWORD=$(rand)
KAFKA_MATCHER_PASSWORD=$(rand)
KAFKA_LEDGER_PASSWORD=$(rand)
KAFKA_SIMULATION_PASSWORD=$(rand)
POSTGRES_PASSWORD=$(rand)
PG_INTAKE_PASSWORD=$(rand)
PG_MATCHER_PASSWORD=$(rand)
PG_LEDGER_PASSWORD=$(rand)
PG_SIMULATION_HISTORY_PASSWORD=$(rand)
PSEUDONYM_SECRET=$(openssl rand -hex 32)
INTAKE_SIGNING_KEY=$(raw intake-events.key)
INTAKE_VERIFY_KEY=$(raw intake-events.key -pubout)
MATCHER_SIGNING_KEY=$(raw matcher-events.key)
MATCHER_VERIFY_KEY=$(raw matcher-events.key -pubout)
SIMULATION_SIGNING_KEY=$(raw simulation-events.key)
SIMULATION_VERIFY_KEY=$(raw simulation-events.key -pubout)
GRAFANA_ADMIN_PASSWORD=$(rand)
ENV
rm -f intake-events.key matcher-events.key simulation-events.key  # kept in stack.env only
# The containers run as other users than the one who made the files: keep them readable there;
# the directory itself (0700) keeps them private on the host.
chmod 644 ./*.crt ./*.key broker.p12
chmod 600 stack.env ca.key
echo "secrets written to $OUT" >&2
