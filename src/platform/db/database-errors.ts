/** PostgreSQL errors that mean "the database is not reachable or not writable here right now". */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, in recovery)
  '25006', // read_only_sql_transaction: we are talking to a standby, the primary moved
  '53300', // too_many_connections
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

export function isPrimaryMovedError(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  if (code && (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08') || NETWORK_CODES.has(code)))
    return true;
  const message = String((err as Error)?.message ?? '');
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection/i.test(
    message,
  );
}

export const isDatabaseUnavailableError = isPrimaryMovedError;

/** 23505 unique_violation, with the constraint name when the caller wants to tell duplicates apart. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && (!constraint || e.constraint === constraint);
}
