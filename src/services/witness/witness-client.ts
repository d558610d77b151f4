/**
 * What the witness publishes: its verifier key and, per log origin, the latest checkpoint it
 * cosigned. The verification service reads it (docs/decisions/ledger-and-witness.md) — in
 * all-in-one mode from the in-process witness, in distributed mode over HTTP from
 * AUDITOR_WITNESS_URL. Cosignatures are public statements that anyone can check against the
 * witness key, so the witness serves them without authentication and holds no credential of ours
 * beyond its ledger:read token.
 */
import { serviceUnavailable } from '../../platform/errors.ts';

export interface CosignedCheckpoint {
  origin: string;
  treeSize: number;
  /** The log's signed checkpoint note with the witness's cosignature line appended. */
  note: string;
  /** ISO 8601 time of the cosignature. */
  cosignedAt: string;
}

/**
 * A checkpoint the witness refused (a fork, a rollback, an inconsistent or badly signed one). As
 * public as a cosignature: it is the witness's statement that the log misbehaved.
 */
export interface WitnessRefusal {
  code: string;
  message: string;
  treeSize: number | null;
  previousSize: number | null;
  firstSeenAt: string;
  lastSeenAt: string;
  occurrences: number;
}

export interface WitnessClient {
  /** The witness's C2SP verifier key (cosignature/v1, type 0x04). */
  verifierKey(): Promise<string>;
  /** Latest cosigned checkpoint of each origin the witness knows (unknown origins are left out). */
  cosigned(origins: string[]): Promise<CosignedCheckpoint[]>;
  /** The latest refusals recorded for one origin, newest first. */
  refusals(origin: string): Promise<WitnessRefusal[]>;
}

export const WITNESS_PUBLIC_KEY_PATH = '/witness/v1/public-key';
export const WITNESS_COSIGNED_PATH = '/witness/v1/cosigned';
export const WITNESS_REFUSALS_PATH = '/witness/v1/refusals';
/** Refusals published per origin: the newest ones tell whether the log misbehaved lately. */
export const REFUSALS_LIMIT = 20;
/** Origins per request (query string length stays far below server limits). */
export const COSIGNED_BATCH = 50;

export function createWitnessHttpClient(baseUrl: string, timeoutMs = 10_000): WitnessClient {
  const base = baseUrl.replace(/\/$/, '');
  async function get<T>(path: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw serviceUnavailable('UPSTREAM_UNAVAILABLE', { cause: err, details: { upstream: base } });
    }
    if (!res.ok)
      throw serviceUnavailable('UPSTREAM_UNAVAILABLE', { details: { upstream: base, status: res.status } });
    return (await res.json()) as T;
  }
  return {
    verifierKey: async () => (await get<{ verifierKey: string }>(WITNESS_PUBLIC_KEY_PATH)).verifierKey,
    async cosigned(origins) {
      const out: CosignedCheckpoint[] = [];
      for (let i = 0; i < origins.length; i += COSIGNED_BATCH) {
        const query = new URLSearchParams();
        for (const origin of origins.slice(i, i + COSIGNED_BATCH)) query.append('origin', origin);
        out.push(...(await get<{ items: CosignedCheckpoint[] }>(`${WITNESS_COSIGNED_PATH}?${query}`)).items);
      }
      return out;
    },
    async refusals(origin) {
      const query = new URLSearchParams({ origin });
      return (await get<{ items: WitnessRefusal[] }>(`${WITNESS_REFUSALS_PATH}?${query}`)).items;
    },
  };
}
