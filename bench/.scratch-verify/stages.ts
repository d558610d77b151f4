// scratch: time the stages of one file verification (not part of the product)
import { sql } from 'kysely';
import { benchDatabase, startBenchProduct, timed, percentile } from '../support.ts';
import { readFileRecords } from '../../src/services/verification/recorded-versions.ts';
import { spawn } from 'node:child_process';
const child = spawn(process.execPath, ['--import', 'tsx', 'bench/verify/box-process.ts', '--files', '200'], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
const info: any = await new Promise((res) => child.stdout.on('data', (c) => { out += c; try { res(JSON.parse(out)); } catch {} }));
const database = await benchDatabase('bench_stages');
const ccg = info.apps.find((a: any) => a.kind === 'ccg');
const app = await startBenchProduct(database.url, { baseUrls: info.baseUrls, ccg: { clientId: ccg.clientId, clientSecret: ccg.clientSecret }, callsPerMinute: 1e7, timeoutMs: 30000, maxRetryWaitMs: 30000 }, { AUDITOR_VERIFY_SCHEDULE_INTERVAL: '0' });
const identity = app.services.identity!;
const { organizationId: orgId } = await identity.admin.bootstrap({ org: 'B', email: 'b@b.test', password: 'a bench password that is long' });
const db = app.platform.pool.db;
await sql`update identity.organizations set box_enterprise_id = ${info.enterprise.id} where id = ${orgId}`.execute(db);
const row = await identity.deps.database.transaction((trx) => identity.deps.users.createUser(trx, { orgId, email: info.adminLogin, name: 'A', kind: 'box', roles: ['AUDIT_ADMIN', 'GENERAL_USER'], boxUserId: info.adminBoxUserId, boxRole: 'admin' }, new Date()));
const token = (await identity.sessions.issue(row, { ip: '1' })).accessToken;
const api = (m: any, url: string, body?: any) => app.app.inject({ method: m, url, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { payload: JSON.stringify(body) } : {}) });
const setId = (await api('POST', '/api/v1/audit-sets', { name: 'S' })).json().id;
await api('POST', `/api/v1/audit-sets/${setId}/items`, { itemId: info.folderId, type: 'folder' });
const v = app.services.verification!.verification;
for (;;) { await app.drainOutboxes(); if ((await v.baselines.pending()) === 0) break; if (!(await v.baselines.tick())) await new Promise((r) => setTimeout(r, 20)); }
await app.drainOutboxes();
await app.services.verification!.ledger.checkpoints.signDue({ force: true });
const ids = (await sql<{ file_id: string }>`select file_id from ledger.baseline_files`.execute(db)).rows.map((r) => r.file_id);
const stages: Record<string, number[]> = {};
const t = async (name: string, fn: () => Promise<unknown>) => { const x = await timed(fn); (stages[name] ??= []).push(x.ms); return x.value; };
const ledger = app.services.verification!.ledger;
for (const id of ids.slice(0, 150)) {
  const [info2] = await t('items', () => app.services.file!.client.items(orgId, [{ itemId: id, itemType: 'file' }])) as any;
  await t('setsMonitoring', () => app.services.audit!.client.setsMonitoring(orgId, id, info2.ancestorIds));
  await t('watermark', () => app.services.event!.client.watermark(orgId));
  await t('observeFile', () => app.services.file!.client.observeFile(orgId, id, { asUser: info.adminBoxUserId, source: 'verification' }));
  await t('itemEvents', () => app.services.event!.client.itemEvents(orgId, id, { types: ['EDIT'], limit: 1000 }));
  const rec: any = await t('readFileRecords', () => readFileRecords({ db, repo: ledger.repo }, orgId, id, { setId }));
  await t('prove', () => v.prover.prove(orgId, [...rec.firstAny.values()].map((x: any) => x.leafIndex)));
  await t('verify (all)', () => v.files.verify({ orgId, fileId: id, requester: null, setId, trigger: 'set', info: info2 }));
}
for (const [k, xs] of Object.entries(stages)) { xs.sort((a, b) => a - b); console.log(k.padEnd(18), 'p50', percentile(xs, 50).toFixed(2), 'p95', percentile(xs, 95).toFixed(2)); }
await app.close(); child.kill(); database.close();
