/** From stored verifications and set runs to the API's shapes (verification-schemas.ts). */
import type {
  FileVerificationClaim,
  FileVerificationDto,
  FileVerificationSummaryDto,
  SetVerificationDto,
} from './verification-schemas.ts';
import type { SetRunRow, StoredVerification } from './verification-store.ts';

export function toSummaryDto(v: StoredVerification): FileVerificationSummaryDto {
  return {
    id: v.id,
    kind: 'file',
    fileId: v.fileId,
    fileName: v.fileName,
    setId: v.setId,
    setVerificationId: v.setVerificationId,
    result: v.result,
    reasons: v.reasons,
    trigger: v.trigger,
    requestedBy: v.requestedBy,
    startedAt: v.startedAt.toISOString(),
    completedAt: v.completedAt.toISOString(),
    recheckOf: v.recheckOf,
    supersededBy: v.supersededBy,
    nextCheckAt: v.supersededBy ? null : (v.recheckDueAt?.toISOString() ?? null),
  };
}

export function toFileVerificationDto(v: StoredVerification): FileVerificationDto {
  return { ...toSummaryDto(v), evidence: v.evidence };
}

/** What an evidence bundle states about a verification: everything but the proofs (the bundle's records). */
export function toClaim(v: StoredVerification): FileVerificationClaim {
  const { ledger: _proofs, ...evidence } = v.evidence;
  return { ...toSummaryDto(v), evidence };
}

export function toSetVerificationDto(run: SetRunRow, tampered: StoredVerification[]): SetVerificationDto {
  return {
    id: run.id,
    kind: 'set',
    setId: run.setId,
    status: run.status,
    trigger: run.trigger,
    requestedBy: run.requestedBy,
    total: run.total,
    done: run.done,
    counts: run.counts,
    tampered: tampered.map((v) => ({
      verificationId: v.id,
      fileId: v.fileId,
      fileName: v.fileName,
      reasons: v.reasons.filter((r) => r.outcome === 'TAMPERED'),
    })),
    error: run.error,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}
