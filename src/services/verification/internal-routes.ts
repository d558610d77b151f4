/** The verification service's service-to-service ledger routes (never routed by the gateway). */
import { SERVICE_ONLY } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import {
  internalCheckpointBody,
  internalConsistencyBody,
  internalInclusionBody,
  internalLeafRecordsBody,
  internalLeafRecordsFromBody,
  internalLeavesBody,
} from './ledger-schemas.ts';
import type { VerificationClient } from './verification-client.ts';

export function registerInternalLedgerRoutes(app: App, client: VerificationClient): void {
  const config = { auth: SERVICE_ONLY };
  app.post(
    '/internal/ledger/checkpoint',
    { config, schema: { hide: true, body: internalCheckpointBody } },
    async ({ body }) => ({
      checkpoint:
        body.treeSize === undefined
          ? await client.latestCheckpoint(body.orgId)
          : await client.checkpoint(body.orgId, body.treeSize),
    }),
  );
  app.post(
    '/internal/ledger/status',
    { config, schema: { hide: true, body: internalCheckpointBody.pick({ orgId: true }) } },
    async ({ body }) => client.ledgerStatus(body.orgId),
  );
  app.post(
    '/internal/ledger/witnessed',
    { config, schema: { hide: true, body: internalCheckpointBody.pick({ orgId: true }) } },
    async ({ body }) => ({ witnessed: await client.witnessedCheckpoint(body.orgId) }),
  );
  app.post(
    '/internal/ledger/proofs/inclusion',
    { config, schema: { hide: true, body: internalInclusionBody } },
    async ({ body }) => ({ hashes: await client.inclusionProof(body.orgId, body.index, body.treeSize) }),
  );
  app.post(
    '/internal/ledger/proofs/consistency',
    { config, schema: { hide: true, body: internalConsistencyBody } },
    async ({ body }) => ({ hashes: await client.consistencyProof(body.orgId, body.from, body.to) }),
  );
  app.post(
    '/internal/ledger/leaf-records',
    { config, schema: { hide: true, body: internalLeafRecordsBody } },
    async ({ body }) => ({ items: await client.leafRecords(body.orgId, body.kind, body.refs) }),
  );
  app.post(
    '/internal/ledger/leaf-records-from',
    { config, schema: { hide: true, body: internalLeafRecordsFromBody } },
    async ({ body }) => client.leafRecordsFrom(body.orgId, body.kind, body.fromIndex, body.limit),
  );
  app.post(
    '/internal/ledger/leaves',
    { config, schema: { hide: true, body: internalLeavesBody } },
    async ({ body }) => ({ items: await client.leaves(body.orgId, body.indexes) }),
  );
  app.get('/internal/ledger/public-keys', { config, schema: { hide: true } }, async () =>
    client.publicKeys(),
  );
}
