/**
 * `auditor verify item|set` and `auditor verify reconcile` as admin commands: run by the server
 * through its admin socket while it holds the embedded database, or by the CLI itself on the
 * database (cli/commands/verify-files.ts). Operators act for the system: no user is checked, the
 * organisation of a set is found by asking the audit service in each organisation.
 */
import { z } from 'zod';
import type { AdminCommandHandler } from '../../platform/admin-socket.ts';
import { isAppError } from '../../platform/errors.ts';
import type { ServiceClients } from '../../platform/service-module.ts';
import type { EventService } from '../event/event-module.ts';
import type { EventReconciliationReport } from '../event/event-reconciler.ts';
import type { FileService } from '../file/file-module.ts';
import { systemRequester } from './set-verifier.ts';
import { toFileVerificationDto, toSetVerificationDto, toSummaryDto } from './verification-dto.ts';
import type { Verification } from './verification-module.ts';
import type {
  FileVerificationDto,
  FileVerificationSummaryDto,
  SetVerificationDto,
} from './verification-schemas.ts';

export const verifyItemArgs = z.object({
  orgId: z.string().uuid(),
  fileId: z.string().regex(/^[0-9A-Za-z_-]{1,40}$/, 'a Box file id'),
  setId: z.string().uuid().optional(),
});
export const verifySetArgs = z.object({ setId: z.string().uuid(), orgId: z.string().uuid().optional() });

export interface SetVerificationReport {
  run: SetVerificationDto;
  files: FileVerificationSummaryDto[];
}

export interface ReconciliationReport {
  events: EventReconciliationReport[];
  observations: { reconciled: number; mismatched: number; looked: number };
}

/** The organisation holding a set: the one whose audit service knows it. */
async function orgOfSet(clients: Pick<ServiceClients, 'identity' | 'audit'>, setId: string): Promise<string> {
  for (const org of await clients.identity().organizations()) {
    try {
      await clients.audit().setItems(systemRequester(org.id), setId);
      return org.id;
    } catch (err) {
      if (!isAppError(err) || err.status !== 404) throw err;
    }
  }
  throw new Error(`no audit set ${setId}`);
}

export async function verifyItemCommand(
  v: Verification,
  args: Record<string, unknown>,
): Promise<FileVerificationDto> {
  const a = verifyItemArgs.parse(args);
  return toFileVerificationDto(
    await v.files.verify({
      orgId: a.orgId,
      fileId: a.fileId,
      requester: null,
      setId: a.setId ?? null,
      trigger: 'cli',
    }),
  );
}

export async function verifySetCommand(
  v: Verification,
  clients: Pick<ServiceClients, 'identity' | 'audit'>,
  concurrency: number,
  args: Record<string, unknown>,
  onProgress?: (done: number, total: number | null) => void,
): Promise<SetVerificationReport> {
  const a = verifySetArgs.parse(args);
  const orgId = a.orgId ?? (await orgOfSet(clients, a.setId));
  const run = await v.sets.run({
    orgId,
    setId: a.setId,
    requester: null,
    trigger: 'cli',
    concurrency,
    onProgress: (r) => onProgress?.(r.done, r.total),
  });
  const files: FileVerificationSummaryDto[] = [];
  for (let after = 0; ; ) {
    const page = await v.store.ofRun(v.db, run.id, after, 1000);
    files.push(...page.map(toSummaryDto));
    if (page.length < 1000) break;
    after = page[page.length - 1]!.seq;
  }
  return { run: toSetVerificationDto(run, await v.store.tamperedOfRun(v.db, run.id, 1000)), files };
}

export const reconcileArgs = z.object({ orgId: z.string().uuid().optional() });

/**
 * Reconciliation on demand: the event service's full comparison of its events with the ledger, and
 * the file service's pass over observations whose leaf is not known yet (repeated until done).
 */
export async function reconcileCommand(
  event: EventService,
  file: FileService | undefined,
  args: Record<string, unknown>,
): Promise<ReconciliationReport> {
  const a = reconcileArgs.parse(args);
  const events = await event.reconciler.audit(a.orgId);
  const observations = { reconciled: 0, mismatched: 0, looked: 0 };
  if (file) {
    for (let pass = 0; pass < 1000; pass++) {
      const t = await file.reconciler.tick();
      observations.reconciled += t.reconciled;
      observations.mismatched += t.mismatched;
      observations.looked += t.looked;
      if (t.reconciled === 0) break;
    }
  }
  return { events, observations };
}

export function verificationAdminCommands(
  v: Verification,
  clients: Pick<ServiceClients, 'identity' | 'audit'>,
  concurrency: number,
): Record<string, AdminCommandHandler> {
  return {
    'verification.verifyItem': (args) => verifyItemCommand(v, args),
    'verification.verifySet': (args) => verifySetCommand(v, clients, concurrency, args),
  };
}

export function reconcileAdminCommands(
  event: EventService,
  file: FileService | undefined,
): Record<string, AdminCommandHandler> {
  return { 'verification.reconcile': (args) => reconcileCommand(event, file, args) };
}
