#!/usr/bin/env bash
# Post-deploy smoke test (plan §5.2 "デプロイ後: Smoke Test実行") against the public URL:
#   SMOKE_API_TOKEN=<token with ledger:read> deploy/scripts/post-deploy-smoke.sh https://auditor.example.com
# Checks: the gateway is live and ready, the JWKS is served, the API answers 401 (not 5xx) without
# credentials, and, with a token, that the ledger serves a signed checkpoint.
set -euo pipefail
base="${1:?base URL, e.g. https://auditor.example.com}"
base="${base%/}"
token="${SMOKE_API_TOKEN:-}"
fail=0

check() {
  local what="$1" url="$2" want="$3"
  shift 3
  local code
  code="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "$@" "$url" || echo 000)"
  if [[ "$code" == "$want" ]]; then
    echo "ok   $what ($code)"
  else
    echo "FAIL $what: $url answered $code, expected $want"
    fail=1
  fi
}

check "gateway live" "$base/health/live" 200
check "gateway ready" "$base/health/ready" 200
check "JWKS" "$base/.well-known/jwks.json" 200
check "API requires authentication" "$base/api/v1/me" 401

if [[ -n "$token" ]]; then
  auth=(-H "Authorization: Bearer $token")
  check "ledger checkpoint" "$base/api/v1/ledger/checkpoint" 200 "${auth[@]}"
  note="$(curl -sS --max-time 10 "${auth[@]}" "$base/api/v1/ledger/checkpoint" || true)"
  # C2SP signed note: origin line, tree size, root hash, blank line, signature lines ("— name sig").
  if [[ "$(printf '%s\n' "$note" | sed -n 2p)" =~ ^[0-9]+$ ]] && printf '%s\n' "$note" | grep -q '^— '; then
    echo "ok   checkpoint is a signed note"
  else
    echo "FAIL checkpoint is not a signed note"
    fail=1
  fi
else
  echo "note SMOKE_API_TOKEN not set: ledger checkpoint not checked"
fi
exit "$fail"
