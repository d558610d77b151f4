/**
 * `auditor verify item` and `auditor verify set` as operators run them (product.md F8): a child
 * process on the database and the local Box (no server holds the database, so the CLI builds the
 * services itself), table or JSON output, exit code 1 on TAMPERED and 2 on bad arguments.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FileVerificationDto } from '../../src/services/verification/verification-schemas.ts';
import { createAuditSet } from '../files/file-support.ts';
import { childEnv, runCli } from '../support/processes.ts';
import {
  fileId,
  folderId,
  ingest,
  recordBaselines,
  startVerifyEnv,
  tokenOf,
  type VerifyEnv,
} from './verification-support.ts';

describe('auditor verify item|set', () => {
  let e: VerifyEnv;
  let env: NodeJS.ProcessEnv;
  let setId: string;
  const intact = 'Board/Minutes/2025/Minutes 2025-03.pdf';
  const tampered = 'Board/Resolutions/Resolution 2025-02 Auditor Appointment.pdf';

  before(async () => {
    e = await startVerifyEnv();
    setId = await createAuditSet(e.app, await tokenOf(e, 'admin'), {
      name: 'Board',
      items: [{ itemId: folderId(e, 'Board'), type: 'folder' }],
    });
    await recordBaselines(e);
    await ingest(e);
    e.box.emulator.controls.tamper({ action: 'change-content', fileId: fileId(e, tampered) });
    const ccg = e.box.emulator.apps.find((a) => a.kind === 'ccg')!;
    env = childEnv({
      DATABASE_URL: e.app.database!.url,
      AUDITOR_DATA_DIR: e.app.config.AUDITOR_DATA_DIR,
      BOX_API_BASE_URL: e.box.baseUrls.baseUrl,
      BOX_UPLOAD_BASE_URL: e.box.baseUrls.uploadUrl,
      BOX_OAUTH2_BASE_URL: e.box.baseUrls.oauth2Url,
      BOX_CCG_CLIENT_ID: ccg.clientId,
      BOX_CCG_CLIENT_SECRET: ccg.clientSecret,
      NO_PROXY: '127.0.0.1,localhost',
    });
  });
  after(() => e?.stop());

  test('verify item: INTACT exits 0; TAMPERED exits 1 and says why', async () => {
    const ok = await runCli(
      ['verify', 'item', '--org', e.cast.orgId, '--file', fileId(e, intact), '--json'],
      env,
      120_000,
    );
    assert.equal(ok.code, 0, ok.stderr);
    const v = JSON.parse(ok.stdout) as FileVerificationDto;
    assert.equal(v.result, 'INTACT');
    assert.equal(v.trigger, 'cli');
    assert.ok(v.evidence.ledger?.leaves.length);

    const bad = await runCli(
      ['verify', 'item', '--org', e.cast.orgId, '--file', fileId(e, tampered)],
      env,
      120_000,
    );
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stdout, /TAMPERED/);
    assert.match(bad.stdout, /VERSION_HASH_CHANGED: Box shows version/);
  });

  test('verify set: every file of the set, exit 1 because one is TAMPERED', async () => {
    const res = await runCli(['verify', 'set', '--set', setId, '--json'], env, 180_000);
    assert.equal(res.code, 1, res.stderr);
    const report = JSON.parse(res.stdout) as {
      run: { status: string; counts: Record<string, number>; tampered: { fileId: string }[] };
      files: { result: string }[];
    };
    assert.equal(report.run.status, 'DONE');
    assert.deepEqual(
      report.run.tampered.map((t) => t.fileId),
      [fileId(e, tampered)],
    );
    assert.equal(
      report.files.length,
      Object.values(report.run.counts).reduce((a, b) => a + b, 0),
    );
  });

  test('bad arguments exit 2', async () => {
    const res = await runCli(['verify', 'item', '--org', 'not-a-uuid', '--file', '1'], env);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /orgId/);
  });
});
