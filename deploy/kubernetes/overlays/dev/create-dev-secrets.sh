#!/usr/bin/env bash
# Create the dev namespace's secrets from your environment (nothing is stored in the repository).
#   DEV_DATABASE_URL=postgres://auditor:...@db.dev.internal:5432/auditor \
#   DEV_SCRATCH_DATABASE_URL=postgres://auditor:...@db.dev.internal:5432/auditor_scratch (backup verify) \
#   BOX_CLIENT_ID=... BOX_CLIENT_SECRET=... BOX_CCG_CLIENT_ID=... BOX_CCG_CLIENT_SECRET=... BOX_ENTERPRISE_ID=... \
#   deploy/kubernetes/overlays/dev/create-dev-secrets.sh
# Keys of random material (token encryption, ledger and witness signing) are generated once and kept
# if the secret exists. In dev one database role serves every process.
set -euo pipefail
ns="${NAMESPACE:-dev}"
: "${DEV_DATABASE_URL:?set DEV_DATABASE_URL}"

exists() { kubectl -n "$ns" get secret "$1" >/dev/null 2>&1; }
random_key() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }

create() {
  local name="$1"; shift
  if exists "$name"; then
    echo "secret $name exists, kept"
    return
  fi
  kubectl -n "$ns" create secret generic "$name" "$@"
}

create gateway-secrets --from-literal=DATABASE_URL="$DEV_DATABASE_URL"
create identity-service-secrets --from-literal=DATABASE_URL="$DEV_DATABASE_URL" \
  --from-literal=AUDITOR_ENCRYPTION_KEYS="k1:$(random_key)" \
  --from-literal=AUDITOR_ALERTMANAGER_TOKEN="$(random_key)" \
  --from-literal=BOX_OAUTH_CLIENT_ID="${BOX_CLIENT_ID:-}" --from-literal=BOX_OAUTH_CLIENT_SECRET="${BOX_CLIENT_SECRET:-}"
create audit-service-secrets --from-literal=DATABASE_URL="$DEV_DATABASE_URL"
for name in file-service event-service verification-service; do
  create "$name-secrets" --from-literal=DATABASE_URL="$DEV_DATABASE_URL" \
    --from-literal=BOX_CCG_CLIENT_ID="${BOX_CCG_CLIENT_ID:-}" --from-literal=BOX_CCG_CLIENT_SECRET="${BOX_CCG_CLIENT_SECRET:-}" \
    --from-literal=BOX_ENTERPRISE_ID="${BOX_ENTERPRISE_ID:-}"
done
create witness-secrets --from-literal=DATABASE_URL="$DEV_DATABASE_URL"
create auditor-migrate-secrets --from-literal=DATABASE_URL="$DEV_DATABASE_URL"
# `auditor backup verify` empties the scratch database: never the real one (it refuses that).
create auditor-backup-secrets --from-literal=DATABASE_URL="$DEV_DATABASE_URL" \
  --from-literal=AUDITOR_BACKUP_SCRATCH_DATABASE_URL="${DEV_SCRATCH_DATABASE_URL:-${DEV_DATABASE_URL%/*}/auditor_scratch}" \
  --from-literal=AUDITOR_LEDGER_VERIFIER_KEY="${DEV_LEDGER_VERIFIER_KEY:-}"
echo "secrets in namespace $ns are in place"
