/**
 * How the witness reads logs: only through the ledger's public API (architecture.md §7), as a
 * `ledger:read` principal. In all-in-one mode the in-process source calls the verification
 * service's public API functions; in distributed mode the HTTP source calls the public routes
 * with API tokens (AUDITOR_WITNESS_TOKEN), through the gateway or the verification service.
 */
import { decodeBase64 } from '../../ledger/index.ts';
import type { UserPrincipal } from '../../platform/auth/principal.ts';
import { isAppError } from '../../platform/errors.ts';
import type { LedgerApi } from '../verification/ledger-api.ts';

/** One log the witness watches; `id` names it in logs (never a secret). */
export interface WatchedLog {
  readonly id: string;
}

export interface WitnessLedgerSource<L extends WatchedLog = WatchedLog> {
  logs(): Promise<L[]>;
  /** The latest signed checkpoint note, or null when the log has none yet. */
  latestCheckpoint(log: L): Promise<string | null>;
  consistencyProof(log: L, from: number, to: number): Promise<Buffer[]>;
  /** The log's verifier key as the log publishes it (pinned by the witness on first sight). */
  logVerifierKey(log: L): Promise<string>;
}

export class LedgerSourceError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LedgerSourceError';
  }
}

/**
 * All-in-one: the verification service's public API functions, called as an API-token principal
 * holding only the read scopes, once per organisation that has a log.
 */
export function createInProcessLedgerSource(d: {
  api: () => Pick<LedgerApi, 'checkpoint' | 'consistencyProof' | 'publicKeys'>;
  orgIds: () => Promise<string[]>;
}): WitnessLedgerSource<WatchedLog & { principal: UserPrincipal }> {
  const principal = (orgId: string): UserPrincipal => ({
    kind: 'user',
    userId: 'witness',
    orgId,
    roles: [],
    scopes: ['read', 'ledger:read'],
    sessionId: 'witness',
    via: 'api-token',
    issuedAt: 0,
  });
  return {
    async logs() {
      return (await d.orgIds()).map((orgId) => ({ id: orgId, principal: principal(orgId) }));
    },
    async latestCheckpoint(log) {
      try {
        return await d.api().checkpoint(log.principal);
      } catch (err) {
        if (isAppError(err) && err.code === 'LEDGER_EMPTY') return null;
        throw err;
      }
    },
    async consistencyProof(log, from, to) {
      try {
        const proof = await d.api().consistencyProof(log.principal, from, to);
        return proof.hashes.map((h) => decodeBase64(h, 'proof hash'));
      } catch (err) {
        // The same error the HTTP source reports for the same answer.
        if (isAppError(err) && err.status < 500)
          throw new LedgerSourceError(`proof: ${err.code}`, err.status);
        throw err;
      }
    },
    logVerifierKey: async () => (await d.api().publicKeys()).log,
  };
}

/**
 * Distributed: the public routes over HTTP, one watched log per API token (a token belongs to one
 * user of one organisation). The token needs `ledger:read` for proofs and `read` for checkpoints.
 */
export function createHttpLedgerSource(d: {
  baseUrl: string;
  tokens: readonly string[];
  timeoutMs?: number;
}): WitnessLedgerSource<WatchedLog & { token: string }> {
  const base = d.baseUrl.replace(/\/$/, '');
  async function get(path: string, token: string | undefined): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(d.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new LedgerSourceError(`ledger API unreachable at ${base}: ${(err as Error).message}`);
    }
    return res;
  }
  async function ok(res: Response, what: string): Promise<Response> {
    if (res.ok) return res;
    const body = await res.text().catch(() => '');
    let code = '';
    try {
      code = JSON.parse(body)?.error?.code ?? '';
    } catch {}
    throw new LedgerSourceError(`${what}: HTTP ${res.status} ${code}`.trim(), res.status);
  }
  return {
    logs: async () => d.tokens.map((token, i) => ({ id: `token-${i + 1}`, token })),
    async latestCheckpoint(log) {
      const res = await get('/api/v1/ledger/checkpoint', log.token);
      if (res.status === 404) return null;
      return (await ok(res, 'checkpoint')).text();
    },
    async consistencyProof(log, from, to) {
      const res = await ok(
        await get(`/api/v1/ledger/proofs/consistency?from=${from}&to=${to}`, log.token),
        'proof',
      );
      const body = (await res.json()) as { hashes?: unknown };
      if (!Array.isArray(body.hashes) || body.hashes.some((h) => typeof h !== 'string'))
        throw new LedgerSourceError('proof: the answer has no list of hashes');
      return (body.hashes as string[]).map((h) => decodeBase64(h, 'proof hash'));
    },
    async logVerifierKey(log) {
      const res = await ok(await get('/api/v1/ledger/public-keys', log.token), 'public keys');
      const body = (await res.json()) as { log?: unknown };
      if (typeof body.log !== 'string') throw new LedgerSourceError('public keys: no log key');
      return body.log;
    },
  };
}
