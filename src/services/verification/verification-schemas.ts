/**
 * Request and response schemas of the verification API (product.md §6: POST/GET
 * /files/{id}/verifications, GET /verifications/{id}, GET /verifications/{id}/bundle, POST/GET
 * /audit-sets/{id}/verifications, …). The response schemas are the contract the web app and other
 * clients rely on; the DTO types are inferred from them.
 */
import { z } from 'zod';
import { VERIFICATION_RESULTS } from '../../platform/metrics.ts';
import { cursorSchema, limitSchema } from '../../platform/pagination.ts';
import { boxIdSchema, eventFilterQuery, orderSchema } from '../event/event-schemas.ts';
import { REASON_CODES } from './verification-types.ts';

export const resultSchema = z.enum(VERIFICATION_RESULTS);

export const reasonSchema = z.object({
  code: z.enum(REASON_CODES),
  outcome: resultSchema.describe('the outcome this reason argues for'),
  message: z.string().describe('what was found, in English'),
  versionId: z.string().nullable().optional(),
  leafIndex: z.number().int().nullable().optional().describe('the ledger leaf it rests on'),
  eventId: z.string().nullable().optional().describe('the recorded Box event it rests on'),
  recordedSha1: z.string().nullable().optional(),
  boxSha1: z.string().nullable().optional(),
  at: z.string().nullable().optional().describe('when it happened, or since when it is known'),
});

const boxVersionSchema = z.object({
  versionId: z.string(),
  sha1: z.string(),
  size: z.number().nullable(),
  versionNumber: z.string().nullable(),
  createdAt: z.string().nullable(),
  trashedAt: z.string().nullable(),
  current: z.boolean(),
});

export const boxStateSchema = z.object({
  readAs: z.string().nullable().describe('Box user id the read was made as (the owner)'),
  observedAt: z.string(),
  status: z.enum(['active', 'trashed', 'deleted', 'not_found']),
  name: z.string().nullable(),
  versions: z.array(boxVersionSchema).describe('the current version first, then past versions'),
  observationIds: z
    .array(z.string())
    .describe('observations this read recorded (file_version leaves with source verification)'),
});

export const recordedVersionSchema = z.object({
  leafIndex: z.number().int(),
  observationId: z.string(),
  fileId: z.string(),
  versionId: z.string(),
  sha1: z.string(),
  size: z.number().nullable(),
  modifiedAt: z.string().nullable(),
  observedAt: z.string(),
  source: z.string(),
});

export const fileEventSchema = z.object({
  eventId: z.string(),
  type: z.string(),
  createdAt: z.string(),
  versionId: z.string().nullable(),
  sha1: z.string().nullable(),
  leafIndex: z.number().int().nullable(),
});

export const provenLeafSchema = z.object({
  index: z.number().int(),
  kind: z.enum(['box_event', 'file_version', 'audit_action']),
  ref: z.string(),
  leafHash: z.string().describe('base64 SHA-256(0x00 || data)'),
  data: z.string().describe('the exact leaf bytes (canonical JSON of {kind, data})'),
  proof: z.array(z.string()).describe('RFC 9162 inclusion proof (base64) against checkpoint.treeSize'),
});

export const ledgerProofsSchema = z.object({
  origin: z.string(),
  checkpoint: z.object({
    treeSize: z.number().int(),
    rootHash: z.string(),
    note: z
      .string()
      .describe('C2SP signed note, with the witness cosignature line when it cosigned this size'),
  }),
  witnessed: z
    .object({
      treeSize: z.number().int(),
      note: z.string().describe('the latest checkpoint the witness cosigned, with its cosignature'),
      consistencyProof: z.array(z.string()).describe('from this size to checkpoint.treeSize'),
    })
    .nullable(),
  leaves: z.array(provenLeafSchema),
});

const referenceSchema = z
  .object({
    source: z.enum(['set-baseline', 'baseline', 'enrichment']),
    setId: z.string().nullable(),
    observedAt: z.string(),
    versionIds: z.array(z.string()),
    leafIndexes: z.array(z.number().int()),
  })
  .nullable();

const ingestionSchema = z
  .object({
    caughtUpAt: z.string().nullable(),
    watermark: z.string().nullable().describe('events created up to this time are known to be stored'),
    delayMs: z.number().int(),
  })
  .nullable();

/** Everything a verification used, without the ledger proofs (the claims of an evidence bundle). */
export const claimEvidenceSchema = z.object({
  box: boxStateSchema.nullable(),
  ingestion: ingestionSchema,
  reference: referenceSchema,
  recorded: z.array(recordedVersionSchema),
  events: z.array(fileEventSchema),
  pendingUntil: z.string().nullable(),
  seenSince: z.record(z.string(), z.string()),
  error: z.string().nullable(),
});

export const evidenceSchema = claimEvidenceSchema.extend({ ledger: ledgerProofsSchema.nullable() });

export const TRIGGERS = ['user', 'cli', 'set', 'schedule', 'recheck'] as const;

const verificationBase = z.object({
  id: z.string().uuid(),
  kind: z.literal('file'),
  fileId: z.string(),
  fileName: z.string().nullable(),
  setId: z.string().nullable(),
  setVerificationId: z.string().uuid().nullable(),
  result: resultSchema,
  reasons: z.array(reasonSchema),
  trigger: z.enum(TRIGGERS),
  requestedBy: z.string().nullable(),
  startedAt: z.string(),
  completedAt: z.string(),
  recheckOf: z.string().uuid().nullable().describe('the PENDING or UNVERIFIABLE result this re-checked'),
  supersededBy: z.string().uuid().nullable().describe('the re-check that replaced this result'),
  nextCheckAt: z.string().nullable().describe('when a PENDING or UNVERIFIABLE result is checked again'),
});

export const fileVerificationSchema = verificationBase.extend({ evidence: evidenceSchema });
export const fileVerificationSummarySchema = verificationBase;
export const fileVerificationClaimSchema = verificationBase.extend({ evidence: claimEvidenceSchema });

export type FileVerificationDto = z.infer<typeof fileVerificationSchema>;
export type FileVerificationSummaryDto = z.infer<typeof fileVerificationSummarySchema>;
export type FileVerificationClaim = z.infer<typeof fileVerificationClaimSchema>;

const countsSchema = z.partialRecord(resultSchema, z.number().int()).describe('files per outcome so far');

export const setVerificationSchema = z.object({
  id: z.string().uuid(),
  kind: z.literal('set'),
  setId: z.string(),
  status: z.enum(['RUNNING', 'DONE', 'FAILED', 'INTERRUPTED']),
  trigger: z.enum(['user', 'cli', 'schedule']),
  requestedBy: z.string().nullable(),
  total: z.number().int().nullable().describe('files to verify (null while they are being listed)'),
  done: z.number().int(),
  counts: countsSchema,
  tampered: z
    .array(
      z.object({
        verificationId: z.string().uuid(),
        fileId: z.string(),
        fileName: z.string().nullable(),
        reasons: z.array(reasonSchema),
      }),
    )
    .describe('the TAMPERED files (first 1,000)'),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type SetVerificationDto = z.infer<typeof setVerificationSchema>;
export const setVerificationSummarySchema = setVerificationSchema.omit({ tampered: true });

export const anyVerificationSchema = z.discriminatedUnion('kind', [
  fileVerificationSchema,
  setVerificationSchema,
]);

export const idParams = z.object({ id: z.string().uuid() });
export const fileParams = z.object({ id: boxIdSchema });
export const setParams = z.object({ id: z.string().uuid() });
export const runParams = z.object({ id: z.string().uuid(), verificationId: z.string().uuid() });
export const pageQuery = z.object({ limit: limitSchema, cursor: cursorSchema });
export const runFilesQuery = pageQuery.extend({
  result: resultSchema.optional().describe('only the files with this outcome'),
});
export const verifyFileBody = z
  .object({ setId: z.string().uuid().optional().describe('verify as part of this audit set') })
  .default({});
export const bundleQuery = z.object({
  format: z
    .enum(['json', 'html'])
    .default('json')
    .describe('json: the bundle; html: a self-contained page that shows the report and verifies itself'),
});
export const eventBundleQuery = eventFilterQuery.extend({ order: orderSchema }).extend(bundleQuery.shape);
