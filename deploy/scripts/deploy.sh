#!/usr/bin/env bash
# Deploy an overlay in the order the plan's checklist needs (§5.2): prerequisites, then database
# migrations, then the workloads; with the canary component, Argo Rollouts then runs the canary.
#   deploy/scripts/deploy.sh <overlay> <image>      e.g. production ghcr.io/auditor-for-box/auditor-for-box:<sha>
# Needs kubectl with a context on the target cluster, and kustomize (for `edit set image`).
# With Argo CD instead, the PreSync hook on the migration Job gives the same order.
set -euo pipefail
overlay="${1:?overlay (dev|production)}"
image="${2:?image reference}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/deploy/kubernetes/overlays/$overlay"
ns="$(sed -n 's/^namespace: *//p' "$dir/kustomization.yaml")"
rendered="$(mktemp)"
trap 'rm -f "$rendered"' EXIT

(cd "$dir" && kustomize edit set image "auditor-for-box=$image")
kubectl kustomize "$dir" > "$rendered"

echo "1/4 prerequisites (namespace, config, secrets, network policies, database)"
kubectl apply -f "$rendered" -l auditor-for-box.io/deploy-phase=prepare
if grep -q '^kind: ExternalSecret' "$rendered"; then
  kubectl -n "$ns" wait --for=condition=Ready externalsecret --all --timeout=5m
fi
if grep -q '^kind: Cluster' "$rendered"; then
  kubectl -n "$ns" wait --for=condition=Ready cluster.postgresql.cnpg.io/auditor-db --timeout=30m
fi

echo "2/4 database migrations"
kubectl -n "$ns" delete job auditor-migrate --ignore-not-found --wait=true
kubectl apply -f "$rendered" -l auditor-for-box.io/deploy-phase=migrate
kubectl -n "$ns" wait --for=condition=Complete job/auditor-migrate --timeout=30m

echo "3/4 workloads"
kubectl apply -f "$rendered"

echo "4/4 rollout"
if grep -q '^kind: Rollout' "$rendered"; then
  for s in gateway identity-service audit-service file-service event-service verification-service; do
    kubectl argo rollouts -n "$ns" status "$s" --timeout 30m
  done
else
  for s in gateway identity-service audit-service file-service event-service verification-service; do
    kubectl -n "$ns" rollout status "deployment/$s" --timeout 15m
  done
fi
kubectl -n "$ns" rollout status deployment/witness --timeout 15m
echo "deployed $image to $overlay"
