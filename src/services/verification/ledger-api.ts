/**
 * The ledger's public API as functions of the caller (product.md F6.1): the routes call them, and
 * so does the in-process witness (as a `ledger:read` principal), so both see exactly the same
 * answers and the same refusals.
 *
 * Visibility: checkpoints (plain and cosigned) for every signed-in user of the organisation;
 * leaves and proofs only for audit admins and for API tokens holding `ledger:read` (identity only
 * grants that scope to audit admins, and re-checks it on every introspection). Everyone sees only
 * their own organisation's log: the organisation comes from the principal, never from the request.
 */
import type { UserPrincipal } from '../../platform/auth/principal.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import type { LeafKind } from './leaf-format.ts';
import type { LedgerReader } from './ledger-reader.ts';

export interface PublicKeys {
  /** The log's C2SP verifier key (Ed25519, type 0x01). */
  log: string;
  /** The witness's verifier key (cosignature/v1, type 0x04), or null while it is unknown. */
  witness: string | null;
}

export interface InclusionProofDto {
  treeSize: number;
  index: number;
  hashes: string[];
}

export interface ConsistencyProofDto {
  /** Equals `to`: the tree the proof leads to (kept so every proof names its tree size). */
  treeSize: number;
  from: number;
  to: number;
  hashes: string[];
}

export interface LeafDto {
  index: number;
  kind: LeafKind;
  /** base64 SHA-256(0x00 || data). */
  leafHash: string;
  /** The exact leaf bytes (canonical JSON of {kind, data}) that were hashed. */
  data: string;
}

export interface LedgerApi {
  checkpoint(principal: UserPrincipal): Promise<string>;
  checkpointAt(principal: UserPrincipal, treeSize: number): Promise<string>;
  witnessed(principal: UserPrincipal): Promise<string>;
  inclusionProof(principal: UserPrincipal, index: number, treeSize: number): Promise<InclusionProofDto>;
  consistencyProof(principal: UserPrincipal, from: number, to: number): Promise<ConsistencyProofDto>;
  leaf(principal: UserPrincipal, index: number): Promise<LeafDto>;
  publicKeys(): Promise<PublicKeys>;
}

/** Audit admins (signed in) and API tokens with `ledger:read` may read leaves and proofs. */
export function mayReadLeaves(principal: UserPrincipal): boolean {
  return principal.via === 'api-token'
    ? principal.scopes.includes('ledger:read')
    : principal.roles.includes('AUDIT_ADMIN');
}

function requireLeafReader(principal: UserPrincipal): void {
  if (!mayReadLeaves(principal)) throw forbidden();
}

const base64 = (hashes: Buffer[]) => hashes.map((h) => h.toString('base64'));

export function createLedgerApi(d: { reader: LedgerReader; publicKeys(): Promise<PublicKeys> }): LedgerApi {
  const { reader } = d;
  return {
    async checkpoint(principal) {
      const checkpoint = await reader.latestCheckpoint(principal.orgId);
      if (!checkpoint) throw notFound('LEDGER_EMPTY');
      return checkpoint.note;
    },

    async checkpointAt(principal, treeSize) {
      const checkpoint = await reader.checkpoint(principal.orgId, treeSize);
      if (!checkpoint) throw notFound('CHECKPOINT_NOT_FOUND');
      return checkpoint.note;
    },

    async witnessed(principal) {
      const cosigned = await reader.latestCosigned(principal.orgId);
      if (!cosigned) throw notFound('WITNESS_COSIGNATURE_NOT_FOUND');
      return cosigned.note;
    },

    async inclusionProof(principal, index, treeSize) {
      requireLeafReader(principal);
      const hashes = await reader.inclusionProof(principal.orgId, index, treeSize);
      return { treeSize, index, hashes: base64(hashes) };
    },

    async consistencyProof(principal, from, to) {
      requireLeafReader(principal);
      const hashes = await reader.consistencyProof(principal.orgId, from, to);
      return { treeSize: to, from, to, hashes: base64(hashes) };
    },

    async leaf(principal, index) {
      requireLeafReader(principal);
      const leaf = await reader.leaf(principal.orgId, index);
      if (!leaf) throw notFound('LEAF_NOT_FOUND');
      return {
        index: leaf.index,
        kind: leaf.kind,
        leafHash: leaf.leafHash.toString('base64'),
        data: leaf.data,
      };
    },

    publicKeys: () => d.publicKeys(),
  };
}
