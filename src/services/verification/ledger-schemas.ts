/** Request and response schemas of the ledger routes (public and internal). */
import { z } from 'zod';
import { LEAF_KINDS } from './leaf-format.ts';
import { MAX_LEDGER_BATCH } from './verification-client.ts';

/** Any integer: range errors are answered by the ledger as PROOF_RANGE_INVALID, not as a schema error. */
const integer = z.coerce.number().int();
const count = z.coerce.number().int().min(0);

export const signedNote = z.string().describe('C2SP signed note (text/plain)');
export const treeSizeParams = z.object({ treeSize: count });
export const leafParams = z.object({ index: count });
export const inclusionQuery = z.object({ index: integer, treeSize: integer });
export const consistencyQuery = z.object({ from: integer, to: integer });
const base64Hashes = z.array(z.string()).describe('base64 SHA-256 hashes, RFC 9162 order');

export const inclusionProofSchema = z.object({
  treeSize: z.number(),
  index: z.number(),
  hashes: base64Hashes,
});
export const consistencyProofSchema = z.object({
  treeSize: z.number(),
  from: z.number(),
  to: z.number(),
  hashes: base64Hashes,
});
export const leafSchema = z.object({
  index: z.number(),
  kind: z.enum(LEAF_KINDS),
  leafHash: z.string().describe('base64 SHA-256(0x00 || data)'),
  data: z.string().describe('the exact leaf bytes: canonical JSON (RFC 8785) of {kind, data}'),
});
export const publicKeysSchema = z.object({
  log: z.string().describe("the log's C2SP verifier key (Ed25519)"),
  witness: z.string().nullable().describe("the witness's cosignature/v1 verifier key"),
});

// Internal (service-to-service) bodies.
const orgId = z.object({ orgId: z.string().uuid() });
export const internalCheckpointBody = orgId.extend({ treeSize: count.optional() });
export const internalInclusionBody = orgId.extend({ index: integer, treeSize: integer });
export const internalConsistencyBody = orgId.extend({ from: integer, to: integer });
export const internalLeafRecordsBody = orgId.extend({
  kind: z.enum(LEAF_KINDS),
  refs: z.array(z.string().min(1).max(200)).max(MAX_LEDGER_BATCH),
});
export const internalLeavesBody = orgId.extend({ indexes: z.array(count).max(MAX_LEDGER_BATCH) });
export const internalLeafRecordsFromBody = orgId.extend({
  kind: z.enum(LEAF_KINDS),
  fromIndex: count,
  limit: z.number().int().min(1).max(MAX_LEDGER_BATCH),
});

export const ledgerStatusSchema = z.object({
  origin: z.string(),
  treeSize: z.number().int(),
  logCreatedAt: z.string().nullable(),
  checkpointIntervalSeconds: z.number(),
  checkpoint: z
    .object({
      treeSize: z.number().int(),
      signedAt: z.string(),
      ageSeconds: z.number(),
      uncoveredLeaves: z.number().int(),
    })
    .nullable(),
  witness: z.object({
    configured: z.boolean(),
    reachable: z.boolean().nullable(),
    lastCosignature: z
      .object({
        treeSize: z.number().int(),
        cosignedAt: z.string(),
        receivedAt: z.string(),
        ageSeconds: z.number(),
      })
      .nullable(),
    refusals: z
      .array(
        z.object({
          code: z.string(),
          message: z.string(),
          treeSize: z.number().nullable(),
          previousSize: z.number().nullable(),
          firstSeenAt: z.string(),
          lastSeenAt: z.string(),
          occurrences: z.number().int(),
        }),
      )
      .nullable(),
  }),
});
