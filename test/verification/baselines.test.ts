/**
 * Baselines (product.md F5.3): adding an item to an audit set records the current versions of every
 * file its rules allow as `file_version` leaves and then makes the item MONITORED; a removed item's
 * pending baseline is dropped; a Box failure is retried without holding up other items; in real time
 * a single file's baseline takes about a second.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { startBoxEmulator } from '../../box-emulator/index.ts';
import { localBoxSettings } from '../../src/runtime/demo.ts';
import { createAuditSet, createCast, db, type FileBox } from '../files/file-support.ts';
import { startTestApp } from '../support/test-app.ts';
import {
  fileId,
  folderId,
  recordBaselines,
  startVerifyEnv,
  tokenOf,
  type VerifyEnv,
} from './verification-support.ts';

interface ItemStatus {
  itemId: string;
  status: string;
  filesInBaseline: number | null;
}

describe('baselines of items added to audit sets', () => {
  let e: VerifyEnv;

  before(async () => {
    e = await startVerifyEnv();
  });
  after(() => e?.stop());

  const itemsOf = async (setId: string) =>
    (await e.app.api.get(`/api/v1/audit-sets/${setId}/items`, await tokenOf(e, 'admin'))).json()
      .items as ItemStatus[];
  const baselineFiles = async (setId: string) =>
    (
      await sql<{
        file_id: string;
      }>`select file_id from ledger.baseline_files where set_id = ${setId}`.execute(db(e.app))
    ).rows.map((r) => r.file_id);

  test('a folder with rules: only the allowed files are observed; the item is MONITORED once they are leaves', async () => {
    const compliance = folderId(e, 'Compliance');
    const sox = folderId(e, 'Compliance/SOX');
    const setId = await createAuditSet(e.app, await tokenOf(e, 'admin'), {
      name: 'Compliance without SOX',
      items: [
        {
          itemId: compliance,
          type: 'folder',
          rules: [
            { itemId: compliance, itemType: 'folder', effect: 'include', scope: 'subtree' },
            { itemId: sox, itemType: 'folder', effect: 'exclude', scope: 'subtree' },
          ],
        },
      ],
    });
    assert.equal((await itemsOf(setId))[0]?.status, 'PENDING_BASELINE');
    await e.app.drainOutboxes();
    // Observed, but not yet in the ledger: still pending.
    await e.verification.baselines.tick();
    assert.equal((await itemsOf(setId))[0]?.status, 'PENDING_BASELINE');

    await recordBaselines(e);
    const state = e.box.emulator.state;
    const expected = state
      .files()
      .filter((f) => {
        const p = state.pathOf(f);
        return p.startsWith('Compliance/') && !p.startsWith('Compliance/SOX/') && !state.isTrashed(f.id);
      })
      .map((f) => f.id)
      .sort();
    assert.deepEqual((await baselineFiles(setId)).sort(), expected);
    const [item] = await itemsOf(setId);
    assert.equal(item?.status, 'MONITORED');
    assert.equal(item?.filesInBaseline, expected.length);
    // Every version of every allowed file is a baseline leaf.
    const versions = expected.reduce((n, id) => n + state.file(id)!.versions.length, 0);
    const leaves = await sql<{ n: number }>`
      select count(*)::int as n from ledger.file_versions
      where source = 'baseline' and file_id = any(${expected}::text[])`.execute(db(e.app));
    assert.equal(leaves.rows[0]!.n, versions);
  });

  test("a removed item's pending baseline is dropped", async () => {
    const admin = await tokenOf(e, 'admin');
    const id = fileId(e, 'Board/Minutes/2025/Minutes 2025-02.pdf');
    const setId = await createAuditSet(e.app, admin, {
      name: 'Short-lived',
      items: [{ itemId: id, type: 'file' }],
    });
    const removed = await e.app.api.delete(`/api/v1/audit-sets/${setId}/items/${id}`, admin);
    assert.ok([200, 204].includes(removed.statusCode), removed.body);
    await recordBaselines(e);
    const rows = await sql<{ topic: string; outcome: string }>`
      select topic, outcome from ledger.baseline_requests where set_id = ${setId} order by requested_at`.execute(
      db(e.app),
    );
    assert.deepEqual(
      rows.rows.map((r) => [r.topic, r.outcome]),
      [
        ['audit.item_added', 'dropped'],
        ['audit.item_removed', 'removed'],
      ],
    );
    assert.deepEqual(await baselineFiles(setId), [], 'nothing was observed for it');
  });

  test('Box failing for one item is retried with back-off while the others complete', async () => {
    const admin = await tokenOf(e, 'admin');
    const failing = fileId(e, 'Board/Resolutions/Resolution 2025-01 Dividend.pdf');
    const fine = fileId(e, 'Board/Minutes/2025/Minutes 2025-03.pdf');
    const setId = await createAuditSet(e.app, admin, {
      name: 'Partly failing',
      items: [
        { itemId: failing, type: 'file' },
        { itemId: fine, type: 'file' },
      ],
    });
    // Box fails for one of them from now on (adding the items read Box already).
    e.box.emulator.controls.addFault({
      kind: 'status',
      status: 503,
      times: 1000,
      match: { path: `/2.0/files/${failing}` },
    });
    for (let i = 0; i < 20; i++) {
      await e.app.drainOutboxes();
      await e.verification.baselines.tick();
      e.box.clock.advance(250);
    }
    await e.app.drainOutboxes();
    const statuses = new Map((await itemsOf(setId)).map((i) => [i.itemId, i.status]));
    assert.equal(statuses.get(fine), 'MONITORED');
    assert.equal(statuses.get(failing), 'PENDING_BASELINE');
    const row = await sql<{ attempts: number; last_error: string }>`
      select attempts, last_error from ledger.baseline_requests where set_id = ${setId} and item_id = ${failing}`.execute(
      db(e.app),
    );
    assert.ok(row.rows[0]!.attempts >= 1);
    assert.match(row.rows[0]!.last_error, /BOX_UNAVAILABLE|unavailable|503/i);

    e.box.emulator.controls.clearFaults();
    e.box.clock.advance(10 * 60_000);
    await recordBaselines(e);
    assert.equal(new Map((await itemsOf(setId)).map((i) => [i.itemId, i.status])).get(failing), 'MONITORED');
  });
});

describe('baselines in real time', () => {
  test('a single file becomes MONITORED in about a second with the background jobs running', async () => {
    const running = await startBoxEmulator({ demo: true, seed: 1 });
    const box = { ...running, clock: undefined } as unknown as FileBox;
    const app = await startTestApp({
      background: true,
      box: {
        settings: localBoxSettings(running, {
          callsPerMinute: 900,
          timeoutMs: 10_000,
          maxRetryWaitMs: 5_000,
        }),
      },
    });
    try {
      const cast = await createCast(app, box);
      const id = running.emulator.state.fileByPath('Board/Minutes/2025/Minutes 2025-04.pdf')!.id;
      const started = Date.now();
      const setId = await createAuditSet(app, cast.admin.token, {
        name: 'Now',
        items: [{ itemId: id, type: 'file' }],
      });
      let status = '';
      while (Date.now() - started < 20_000) {
        const items = (await app.api.get(`/api/v1/audit-sets/${setId}/items`, cast.admin.token)).json().items;
        status = items[0].status;
        if (status === 'MONITORED') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.equal(status, 'MONITORED');
      console.log(`a single file's baseline: MONITORED ${Date.now() - started} ms after it was added`);
    } finally {
      await app.stop();
      await running.close();
    }
  });
});
