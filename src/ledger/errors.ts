/**
 * Coded errors of the ledger library. Callers (services, the CLI, the offline bundle verifier) map
 * the `code` to an HTTP status or an exit code; the message is safe to show to a user because it
 * never contains key material, only sizes, indexes and short reasons.
 */
export type LedgerErrorCode =
  /** A caller passed a value outside the domain of a function (negative size, index ≥ size, …). */
  | 'LEDGER_INVALID_ARGUMENT'
  /** An inclusion or consistency proof did not verify. */
  | 'LEDGER_PROOF_INVALID'
  /** A tile the tree needs is absent from the store or narrower than the tree size implies. */
  | 'LEDGER_TILE_MISSING'
  /** The stored right edge does not match the tree size the appender was given (a second appender?). */
  | 'LEDGER_TILE_CONFLICT'
  /** Text is not JSON, or a value cannot be represented in canonical JSON (RFC 8785). */
  | 'LEDGER_JSON_INVALID'
  /** A signed note (or a key string) does not follow the C2SP signed-note syntax. */
  | 'LEDGER_NOTE_MALFORMED'
  /** A signed note carries no signature from any key we were told to trust. */
  | 'LEDGER_NOTE_UNVERIFIED'
  /** A signature from a key we trust failed to verify. */
  | 'LEDGER_SIGNATURE_INVALID'
  /** A signer or verifier key string is malformed or its key id does not match its key. */
  | 'LEDGER_KEY_INVALID'
  /** A checkpoint body does not follow C2SP tlog-checkpoint. */
  | 'LEDGER_CHECKPOINT_MALFORMED';

export class LedgerError extends Error {
  readonly code: LedgerErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: LedgerErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LedgerError';
    this.code = code;
    this.details = options?.details;
  }
}

export function isLedgerError(value: unknown, code?: LedgerErrorCode): value is LedgerError {
  return value instanceof LedgerError && (code === undefined || value.code === code);
}
