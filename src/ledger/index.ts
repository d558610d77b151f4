/**
 * Public API of the ledger library: tamper-evident Merkle log primitives with no I/O of their
 * own. Storage comes in through the `TileStore` port; everything else is pure.
 */
export { type Appender, type AppendResult, appendLeaves, createAppender } from './appender.ts';
export { canonicalize, canonicalizeText } from './canonical-json.ts';
export {
  type Checkpoint,
  type CheckpointInput,
  formatCheckpoint,
  type OpenedCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from './checkpoint.ts';
export {
  COSIGNATURE_V1_TYPE,
  type CosignatureV1,
  type CosignatureVerifier,
  type Cosigner,
  cosignatureMessage,
  cosignatureTimestamp,
  createCosignatureVerifier,
  createCosigner,
  findCosignatures,
} from './cosignature.ts';
export { decodeBase64, type HashLike, tryDecodeBase64 } from './encoding.ts';
export { isLedgerError, LedgerError, type LedgerErrorCode } from './errors.ts';
export {
  EMPTY_ROOT,
  emptyRoot,
  foldFromRight,
  HASH_SIZE,
  hashesEqual,
  leafHash,
  nodeHash,
} from './hashing.ts';
export {
  type AuditCheckpoint,
  type AuditLeaf,
  type AuditLeafSource,
  type AuditOptions,
  auditLog,
  type CompactRange,
  createCompactRange,
  type IndexMismatch,
  type LeafHashMismatch,
  type LogAuditReport,
  type RootMismatch,
} from './log-audit.ts';
export { type JsonValue, LosslessNumber, parseLossless } from './lossless-json.ts';
export {
  type ConsistencyProofInput,
  type InclusionProofInput,
  isValidConsistency,
  isValidInclusion,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './proof-verification.ts';
export { consistencyProof, createTreeReader, inclusionProof, rootAt, type TreeReader } from './proofs.ts';
export {
  addNoteSignatureLines,
  computeKeyId,
  createNoteSigner,
  createNoteVerifier,
  ED25519_NOTE_TYPE,
  type Ed25519NoteSigner,
  formatSignerKey,
  formatVerifierKey,
  generateNoteKeys,
  isValidKeyName,
  keyIdHex,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  type OpenedNote,
  openNote,
  type ParsedNote,
  type ParsedSignerKey,
  type ParsedVerifierKey,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from './signed-note.ts';
export {
  createMemoryTileStore,
  type MemoryTileStore,
  partialTiles,
  TILE_HEIGHT,
  TILE_WIDTH,
  type Tile,
  type TileKey,
  type TileStore,
  tileKeyId,
  tilePath,
  tileWidthAt,
} from './tiles.ts';
export {
  type WitnessDecision,
  type WitnessFailureCode,
  type WitnessInput,
  type WitnessState,
  witnessCheckpoint,
} from './witness-logic.ts';
