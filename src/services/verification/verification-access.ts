/**
 * Who may read a verification result or download its bundle (product.md F6.5, F6.6, §5): a file's
 * result whoever may see the file (the audit service decides, with the ancestry kept with the result,
 * so a deleted file's history stays readable) or, for results of a set, whoever may view that set; a
 * set run any collaborator of the set and any audit admin. Everything else is "not found".
 */
import type { AnyDb } from '../../platform/db/database.ts';
import { isAppError, notFound } from '../../platform/errors.ts';
import type { ServiceClients } from '../../platform/service-module.ts';
import type { Requester } from '../audit/audit-client.ts';
import type { SetRunRow, StoredVerification, VerificationStore } from './verification-store.ts';

export interface VerificationAccess {
  fileVerification(user: Requester, id: string): Promise<StoredVerification>;
  setRun(user: Requester, id: string, setId?: string): Promise<SetRunRow>;
  /** Either kind by id (GET /verifications/:id). */
  any(user: Requester, id: string): Promise<{ file: StoredVerification } | { run: SetRunRow }>;
}

export function createVerificationAccess(d: {
  db: AnyDb;
  store: VerificationStore;
  clients: Pick<ServiceClients, 'audit'>;
}): VerificationAccess {
  const missing = () => notFound('VERIFICATION_NOT_FOUND');

  async function maySeeSet(user: Requester, setId: string): Promise<boolean> {
    try {
      await d.clients.audit().setItems(user, setId);
      return true;
    } catch (err) {
      if (isAppError(err) && (err.status === 404 || err.status === 403)) return false;
      throw err;
    }
  }

  async function mayReadFile(user: Requester, v: StoredVerification): Promise<boolean> {
    if (v.orgId !== user.orgId) return false;
    if (user.roles.includes('AUDIT_ADMIN')) return true;
    const decision = await d.clients
      .audit()
      .access(user, { itemId: v.fileId, itemType: 'file', ancestorIds: v.ancestorIds ?? [] });
    if (decision.allowed) return true;
    return v.setId ? maySeeSet(user, v.setId) : false;
  }

  async function mayReadRun(user: Requester, run: SetRunRow): Promise<boolean> {
    return run.orgId === user.orgId && maySeeSet(user, run.setId);
  }

  return {
    async fileVerification(user, id) {
      const v = await d.store.get(d.db, id);
      if (!v || !(await mayReadFile(user, v))) throw missing();
      return v;
    },
    async setRun(user, id, setId) {
      const run = await d.store.getRun(d.db, id);
      if (!run || (setId && run.setId !== setId) || !(await mayReadRun(user, run))) throw missing();
      return run;
    },
    async any(user, id) {
      const v = await d.store.get(d.db, id);
      if (v) {
        if (!(await mayReadFile(user, v))) throw missing();
        return { file: v };
      }
      const run = await d.store.getRun(d.db, id);
      if (!run || !(await mayReadRun(user, run))) throw missing();
      return { run };
    },
  };
}
