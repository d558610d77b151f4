/**
 * The security tests' fixture: the product on the local Box (demo enterprise, manual clock), one
 * organisation connected to it and one without Box, and every kind of caller the authorisation rules
 * tell apart (product.md §2, F5.2):
 *
 *   AA            Demo Admin (Box admin: AUDIT_ADMIN + GENERAL_USER), OWNER of the fixture set
 *   CO_OWNER      a password audit admin of the organisation, CO_OWNER of the set
 *   GU_MEMBER     Demo User (GENERAL_USER), MEMBER of the set
 *   GU_OUTSIDER   Kenji Mori (GENERAL_USER, a Box user who cannot see Board/ in Box), not in the set
 *   EA_REVIEWER   an external auditor, REVIEWER of the set directly
 *   EA_GROUP      an external auditor, REVIEWER through an audit group assigned to the set
 *   EA_OUTSIDER   an external auditor assigned to nothing
 *   OTHER_ORG_AA  the audit admin of another organisation (bootstrapped, no Box)
 *   TOKEN_READ    a personal API token of the AA with the `read` scope only
 *   ANONYMOUS     no credentials
 *
 * The fixture set holds one folder, Board/Minutes/2025, with one file excluded (Minutes 2025-02), so
 * an allowed file, an excluded file and a file outside the set (Board/Resolutions) can be told apart.
 * Box activity on all three is ingested, baselines and a checkpoint (cosigned) are in the ledger, the
 * AA has verified the allowed and the excluded file and the whole set, and the reviewer has opened
 * the allowed file (so the access log has an entry).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { createAuditor, identityOf, sessionOf } from '../support/identity.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  catchUp,
  fileId,
  folderId,
  recordBaselines,
  startVerifyEnv,
  type VerifyEnv,
} from '../verification/verification-support.ts';

export const ACTORS = [
  'AA',
  'CO_OWNER',
  'GU_MEMBER',
  'GU_OUTSIDER',
  'EA_REVIEWER',
  'EA_GROUP',
  'EA_OUTSIDER',
  'OTHER_ORG_AA',
  'TOKEN_READ',
  'ANONYMOUS',
] as const;
export type ActorName = (typeof ACTORS)[number];

/** Short column headers for the printed matrix. */
export const ACTOR_LABELS: Record<ActorName, string> = {
  AA: 'AA',
  CO_OWNER: 'CoOwn',
  GU_MEMBER: 'GUmem',
  GU_OUTSIDER: 'GUout',
  EA_REVIEWER: 'EArev',
  EA_GROUP: 'EAgrp',
  EA_OUTSIDER: 'EAout',
  OTHER_ORG_AA: 'Other',
  TOKEN_READ: 'TokRO',
  ANONYMOUS: 'Anon',
};

export interface Person {
  userId: string;
  orgId: string;
  email: string;
}

export interface Fixture {
  env: VerifyEnv;
  app: TestApp;
  orgId: string;
  people: Record<Exclude<ActorName, 'TOKEN_READ' | 'ANONYMOUS'>, Person>;
  /** Credentials per actor (undefined: anonymous). */
  credentials: Record<ActorName, string | undefined>;
  setId: string;
  setName: string;
  groupId: string;
  groupName: string;
  ids: {
    /** Board/Minutes/2025: the set's folder item. */
    setFolder: string;
    /** Minutes 2025-01.pdf: allowed by the set. */
    allowedFile: string;
    /** Minutes 2025-02.pdf: excluded by the set's rules. */
    excludedFile: string;
    /** Board/Resolutions/Resolution 2025-01 Dividend.pdf: in no set. */
    outsideFile: string;
    /** Board/Resolutions: in no set. */
    outsideFolder: string;
    /** Finance/2025/Q1/Invoices and a file in it: what scratch sets hold (the AA and the member see them in Box). */
    scratchFolder: string;
    scratchFile: string;
    /** A file elsewhere in Finance/2025 (both Box users see it), held only by deleted sets. */
    deletedSetFile: string;
    /** Copies of the allowed file's current content: inside the set's folder, and in Board/Resolutions. */
    copyInside: string;
    copyOutside: string;
    /** Verifications made by the AA: of the allowed file, of the excluded file, of the whole set. */
    allowedVerification: string;
    excludedVerification: string;
    setRun: string;
  };
  /** Ledger tree size of the signed checkpoint. */
  treeSize: number;
  /** Strings only the organisation's own viewers may ever receive (names of the set, group and files). */
  markers: string[];
  unique(prefix: string): string;
  /** A set like the fixture set (same collaborators and group), optionally with an item or deleted. */
  scratchSet(o?: { item?: 'file' | 'folder' | { file: string }; deleted?: boolean }): Promise<string>;
  /** A group of the organisation with the group auditor in it. */
  scratchGroup(): Promise<string>;
  stop(): Promise<void>;
}

export function expectStatus(res: LightMyRequestResponse, status: number, what: string): void {
  assert.equal(res.statusCode, status, `${what}: expected ${status}, got ${res.statusCode}: ${res.body}`);
}

export async function startSecurityFixture(): Promise<Fixture> {
  const env = await startVerifyEnv();
  try {
    return await build(env);
  } catch (err) {
    // A half-built fixture would keep the process (and the test run) alive.
    await env.stop();
    throw err;
  }
}

async function build(env: VerifyEnv): Promise<Fixture> {
  const { app, box, cast } = env;
  const identity = identityOf(app);
  const run = randomUUID().slice(0, 8);
  let n = 0;
  const unique = (prefix: string) => `${prefix} ${run}-${++n}`;
  const state = box.emulator.state;

  // Everyone of organisation A.
  const bootstrapEmail = 'bootstrap@files.test';
  const bootstrap = await identity.deps.users.userByEmail(identity.deps.db, bootstrapEmail);
  assert.ok(bootstrap, 'the bootstrap audit admin exists');
  const kenjiBox = state.user('kenji.mori@demo.example');
  const kenji = await identity.deps.database.transaction((trx) =>
    identity.deps.users.createUser(
      trx,
      {
        orgId: cast.orgId,
        email: 'kenji.mori@demo.example',
        name: kenjiBox.name,
        kind: 'box',
        roles: ['GENERAL_USER'],
        boxUserId: kenjiBox.id,
        boxRole: 'user',
      },
      identity.deps.clock.now(),
    ),
  );
  const eaGroup = await createAuditor(app, cast.admin.token, 'group-auditor@security.test');
  const eaOutsider = await createAuditor(app, cast.admin.token, 'outsider-auditor@security.test');

  const ids = {
    setFolder: folderId(env, 'Board/Minutes/2025'),
    allowedFile: fileId(env, 'Board/Minutes/2025/Minutes 2025-01.pdf'),
    excludedFile: fileId(env, 'Board/Minutes/2025/Minutes 2025-02.pdf'),
    outsideFile: fileId(env, 'Board/Resolutions/Resolution 2025-01 Dividend.pdf'),
    outsideFolder: folderId(env, 'Board/Resolutions'),
    scratchFolder: folderId(env, 'Finance/2025/Q1/Invoices'),
    scratchFile: fileId(env, 'Finance/2025/Q1/Invoices/Invoice-2025-Q1-001.pdf'),
    deletedSetFile: fileId(env, 'Finance/2025/Q1/Reports/Cash Flow 2025 Q1.csv'),
    copyInside: '',
    copyOutside: '',
    allowedVerification: '',
    excludedVerification: '',
    setRun: '',
  };

  const groupName = unique('Security firm');
  const group = await app.api.post(
    '/api/v1/audit-groups',
    { name: groupName, memberIds: [eaGroup.id] },
    cast.admin.token,
  );
  expectStatus(group, 201, 'creating the audit group');
  const groupId = group.json().id as string;

  const collaborators = [
    { userId: bootstrap.id, role: 'CO_OWNER' as const },
    { userId: cast.user.userId, role: 'MEMBER' as const },
    { userId: cast.auditor.userId, role: 'REVIEWER' as const },
  ];
  const createSet = async (name: string) => {
    const res = await app.api.post(
      '/api/v1/audit-sets',
      { name, collaborators, groups: [groupId] },
      cast.admin.token,
    );
    expectStatus(res, 201, `creating set ${name}`);
    return res.json().id as string;
  };
  const addItem = async (setId: string, body: unknown) => {
    const res = await app.api.post(`/api/v1/audit-sets/${setId}/items`, body, cast.admin.token);
    expectStatus(res, 202, 'adding an item');
  };

  const setName = unique('Security board minutes');
  const setId = await createSet(setName);
  await addItem(setId, {
    itemId: ids.setFolder,
    type: 'folder',
    rules: [
      { itemId: ids.setFolder, itemType: 'folder', effect: 'include', scope: 'subtree' },
      { itemId: ids.excludedFile, itemType: 'file', effect: 'exclude', scope: 'item' },
    ],
  });
  await recordBaselines(env);

  // Box activity on the allowed, the excluded and the outside file, and two copies of the allowed
  // file's new content (one the set allows, one outside it), ingested and enriched (F4.4, F4.7).
  const content = (id: string) => `security fixture ${id}\n`;
  const as = { login: 'admin@demo.example' };
  for (const id of [ids.allowedFile, ids.excludedFile, ids.outsideFile])
    state.uploadNewVersion(id, content(id), as);
  ids.copyInside = state.createFile(ids.setFolder, 'Minutes copy.pdf', content(ids.allowedFile), as).id;
  ids.copyOutside = state.createFile(ids.outsideFolder, 'Copy outside.pdf', content(ids.allowedFile), as).id;
  await catchUp(env);

  // A signed checkpoint, cosigned by the witness.
  const ledger = app.services.verification!.ledger;
  await ledger.checkpoints.signDue({ force: true });
  await app.services.witness!.witness.runOnce();
  await ledger.cosignatures.syncOnce();
  const checkpoint = await app.api.get('/api/v1/ledger/checkpoint', cast.admin.token);
  expectStatus(checkpoint, 200, 'the latest checkpoint');
  const treeSize = Number(checkpoint.body.split('\n')[1]);
  assert.ok(treeSize > 1, `a checkpoint with leaves (${checkpoint.body})`);

  for (const [key, id] of [
    ['allowedVerification', ids.allowedFile],
    ['excludedVerification', ids.excludedFile],
  ] as const) {
    const res = await app.api.post(`/api/v1/files/${id}/verifications`, {}, cast.admin.token);
    expectStatus(res, 201, `verifying ${id}`);
    ids[key] = res.json().id;
  }
  const started = await app.api.post(`/api/v1/audit-sets/${setId}/verifications`, {}, cast.admin.token);
  expectStatus(started, 202, 'starting a set verification');
  ids.setRun = started.json().id;
  await env.verification.sets.idle();
  await app.drainOutboxes();

  // The other organisation: a password audit admin, no Box.
  const other = await app.bootstrapAdmin('admin@other-org.test');

  // Fresh sessions for everyone (the fixture moved the shared clock on by minutes).
  const session = async (userId: string) => {
    const row = await identity.deps.users.userById(identity.deps.db, userId);
    assert.ok(row, `user ${userId}`);
    const actor = await sessionOf(app, row);
    return { person: { userId: row.id, orgId: row.org_id, email: row.email }, token: actor.token };
  };
  const s = {
    AA: await session(cast.admin.userId),
    CO_OWNER: await session(bootstrap.id),
    GU_MEMBER: await session(cast.user.userId),
    GU_OUTSIDER: await session(kenji.id),
    EA_REVIEWER: await session(cast.auditor.userId),
    EA_GROUP: await session(eaGroup.id),
    EA_OUTSIDER: await session(eaOutsider.id),
    OTHER_ORG_AA: await session(other.userId),
  };
  const minted = await app.api.post(
    '/api/v1/api-tokens',
    { name: 'read only', scopes: ['read'] },
    s.AA.token,
  );
  expectStatus(minted, 201, 'minting a read-only API token');

  // The reviewer opens the allowed file: the access log has an entry.
  expectStatus(
    await app.api.get(`/api/v1/files/${ids.allowedFile}`, s.EA_REVIEWER.token),
    200,
    'the reviewer opens the allowed file',
  );

  const people = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.person])) as Fixture['people'];
  const credentials = {
    ...(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.token])) as Record<string, string>),
    TOKEN_READ: minted.json().token as string,
    ANONYMOUS: undefined,
  } as Fixture['credentials'];

  const fixture: Fixture = {
    env,
    app,
    orgId: cast.orgId,
    people,
    credentials,
    setId,
    setName,
    groupId,
    groupName,
    ids,
    treeSize,
    markers: [setName, groupName, 'Minutes 2025-01.pdf', 'Minutes 2025-02.pdf', 'Resolution 2025-01'],
    unique,
    async scratchSet(o = {}) {
      const id = await createSet(unique('Scratch'));
      if (o.item === 'file') await addItem(id, { itemId: ids.scratchFile, type: 'file' });
      if (o.item === 'folder') await addItem(id, { itemId: ids.scratchFolder, type: 'folder' });
      if (typeof o.item === 'object') await addItem(id, { itemId: o.item.file, type: 'file' });
      if (o.deleted)
        expectStatus(
          await app.api.delete(`/api/v1/audit-sets/${id}`, s.AA.token),
          204,
          'deleting a scratch set',
        );
      return id;
    },
    async scratchGroup() {
      const res = await app.api.post(
        '/api/v1/audit-groups',
        { name: unique('Scratch group'), memberIds: [eaGroup.id] },
        s.AA.token,
      );
      expectStatus(res, 201, 'creating a scratch group');
      return res.json().id as string;
    },
    async stop() {
      await env.stop();
    },
  };
  return fixture;
}

/** Row counts of every table of every schema of the product (not PostgreSQL's own). */
export async function tableCounts(app: TestApp): Promise<Record<string, number>> {
  const db = app.platform.pool.db;
  const tables = await sql<{ name: string }>`
    select quote_ident(table_schema) || '.' || quote_ident(table_name) as name
      from information_schema.tables
     where table_type = 'BASE TABLE'
       and table_schema not in ('pg_catalog', 'information_schema')
     order by 1`.execute(db);
  const out: Record<string, number> = {};
  // One statement for all tables: this runs before and after every fuzzed route.
  const parts = tables.rows.map((t) => `select '${t.name}' as name, count(*)::int as n from ${t.name}`);
  if (parts.length === 0) return out;
  const counts = await sql<{ name: string; n: number }>`${sql.raw(parts.join(' union all '))}`.execute(db);
  for (const r of counts.rows) out[r.name] = r.n;
  return out;
}
