/**
 * Shared support for the file service tests: the local Box (demo enterprise) on a manual clock the
 * product shares, an organisation connected to it with Box users whose Box ids are the local Box's
 * own (an audit admin, a general user) and an external auditor, audit sets made through the audit
 * service's API, its access log, and helpers to drive ingestion, delivery and enrichment by hand.
 */
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { ManualClock, type RunningBoxEmulator, startBoxEmulator } from '../../box-emulator/index.ts';
import type { ItemType } from '../../src/platform/messaging/catalogue.ts';
import { localBoxSettings } from '../../src/runtime/demo.ts';
import type { AllowRule, TopItem } from '../../src/services/audit/allow-rules.ts';
import type { FileService } from '../../src/services/file/file-module.ts';
import { type Actor, createAuditor, identityOf, sessionOf, signIn } from '../support/identity.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

export interface FileBox extends RunningBoxEmulator {
  clock: ManualClock;
}

export async function startFileBox(start = '2026-03-02T09:00:00Z'): Promise<FileBox> {
  const clock = new ManualClock(start);
  const box = await startBoxEmulator({ demo: true, seed: 1, clock });
  return { ...box, clock };
}

/** The all-in-one product on the local Box's clock; background work off (tests drive it). */
export function startFileApp(box: FileBox): Promise<TestApp> {
  return startTestApp({
    clock: box.clock,
    box: {
      settings: localBoxSettings(box, { callsPerMinute: 100_000, timeoutMs: 10_000, maxRetryWaitMs: 5_000 }),
      sleep: async (ms) => {
        box.clock.advance(ms);
        await new Promise<void>((r) => setImmediate(r));
      },
    },
  });
}

export const fileService = (app: TestApp): FileService => app.services.file!;

export interface Cast {
  orgId: string;
  /** Demo Admin (Box admin): AUDIT_ADMIN and GENERAL_USER. */
  admin: Actor & { boxUserId: string };
  /** Demo User: GENERAL_USER. */
  user: Actor & { boxUserId: string };
  /** An external auditor (password sign-in). */
  auditor: Actor;
}

/** An organisation connected to the local Box's enterprise, with its Box users and an auditor. */
export async function createCast(app: TestApp, box: FileBox): Promise<Cast> {
  const bootstrap = await app.bootstrapAdmin('bootstrap@files.test');
  await sql`update identity.organizations set box_enterprise_id = ${box.emulator.enterprise.id}
            where id = ${bootstrap.orgId}`.execute(app.platform.pool.db);
  const identity = identityOf(app);
  const boxActor = async (login: string, roles: ('AUDIT_ADMIN' | 'GENERAL_USER')[]) => {
    const boxUser = box.emulator.state.user(login);
    const row = await identity.deps.database.transaction((trx) =>
      identity.deps.users.createUser(
        trx,
        {
          orgId: bootstrap.orgId,
          email: login,
          name: boxUser.name,
          kind: 'box',
          roles,
          boxUserId: boxUser.id,
          boxRole: roles.includes('AUDIT_ADMIN') ? 'admin' : 'user',
        },
        identity.deps.clock.now(),
      ),
    );
    return { ...(await sessionOf(app, row)), boxUserId: boxUser.id };
  };
  const admin = await boxActor('admin@demo.example', ['AUDIT_ADMIN', 'GENERAL_USER']);
  const user = await boxActor('user@demo.example', ['GENERAL_USER']);
  await createAuditor(app, bootstrap.token, 'auditor@files.test');
  const auditor = await signIn(app, 'auditor@files.test');
  return { orgId: bootstrap.orgId, admin, user, auditor };
}

export interface SetItem {
  itemId: string;
  type: ItemType;
  rules?: AllowRule[];
}

/**
 * An audit set made through the audit service's API by an audit admin, with its collaborators and
 * items (each answered 202, baseline pending); returns its id.
 */
export async function createAuditSet(
  app: TestApp,
  adminToken: string,
  o: {
    name: string;
    collaborators?: { userId: string; role: 'CO_OWNER' | 'MEMBER' | 'REVIEWER' }[];
    items: SetItem[];
  },
): Promise<string> {
  const set = await app.api.post(
    '/api/v1/audit-sets',
    { name: o.name, collaborators: o.collaborators ?? [] },
    adminToken,
  );
  assert.equal(set.statusCode, 201, set.body);
  const setId = set.json().id as string;
  for (const item of o.items) {
    const res = await app.api.post(`/api/v1/audit-sets/${setId}/items`, item, adminToken);
    assert.equal(res.statusCode, 202, res.body);
  }
  return setId;
}

export interface AccessRecord {
  user_id: string;
  item_id: string;
  set_id: string | null;
  action: string;
}

/** The audit service's access log, oldest first (read directly: some entries belong to no set). */
export async function accessLog(app: TestApp): Promise<AccessRecord[]> {
  const res = await sql<AccessRecord>`
    select user_id, item_id, set_id, action from audit.access_logs order by at, id`.execute(
    app.platform.pool.db,
  );
  return res.rows;
}

/** A top item of a set, with the rule paths the audit service records when rules are saved. */
export function topItem(
  itemType: ItemType,
  itemId: string,
  rules: TopItem['rules'] = [],
  rulePaths: Record<string, string[]> = {},
): TopItem {
  return { itemId, itemType, rules, rulePaths };
}

/** Box ids of a folder's ancestors as its owner sees them, root ("0") first. */
export function ancestorsOf(box: FileBox, itemId: string): string[] {
  const store = box.emulator.state.store;
  const item = store.item(itemId);
  if (!item) throw new Error(`no item ${itemId}`);
  return ['0', ...store.ancestors(item).map((a) => a.id)];
}

/** Delivers what the services' outboxes hold (event.stored to enrichment, observations to the ledger). */
export const deliver = (app: TestApp) => app.drainOutboxes();

/** Lets enrichment's coalescing delay pass, then ticks until the queue is empty; returns ticks and calls. */
export async function enrichUntilIdle(app: TestApp, box: FileBox, maxTicks = 200) {
  const enrichment = fileService(app).enrichment;
  let ticks = 0;
  let calls = 0;
  for (; ticks < maxTicks; ticks++) {
    box.clock.advance(enrichment.settings.settleMs + 1);
    const t = await enrichment.tick();
    calls += t.calls;
    if (t.items === 0 && (await enrichment.pending()) === 0) return { ticks, calls };
  }
  throw new Error('enrichment did not become idle');
}

/** Box API requests the product made to the local Box for a file (file, trash, versions, content). */
export function boxCallsFor(box: FileBox, fileId: string, since?: string) {
  return box.emulator.controls
    .requests({ pathPrefix: `/2.0/files/${fileId}`, ...(since ? { since } : {}) })
    .filter((r) => r.path === `/2.0/files/${fileId}` || r.path.startsWith(`/2.0/files/${fileId}/`));
}

export const db = (app: TestApp) => app.platform.pool.db;
