/**
 * Which log belongs to an organisation, remembered: a log's id and origin never change once it
 * exists (its head does, and is always read fresh), so verification asks the database once per
 * organisation instead of once per step of every file.
 */
import type { AnyDb } from '../../platform/db/database.ts';
import type { LedgerRepository } from './ledger-repository.ts';

export interface LogRef {
  id: number;
  origin: string;
}

export interface LogDirectory {
  /** The organisation's log, or undefined while it has none (not remembered: it may appear). */
  find(orgId: string): Promise<LogRef | undefined>;
}

export function createLogDirectory(d: { db: AnyDb; repo: LedgerRepository }): LogDirectory {
  const known = new Map<string, LogRef>();
  return {
    async find(orgId) {
      const hit = known.get(orgId);
      if (hit) return hit;
      const log = await d.repo.findLog(d.db, orgId);
      if (!log) return undefined;
      const ref = { id: log.id, origin: log.origin };
      known.set(orgId, ref);
      return ref;
    },
  };
}
