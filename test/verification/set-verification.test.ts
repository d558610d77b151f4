/**
 * Verifying a whole audit set (product.md F6.5): every allowed file of a folder item, concurrently,
 * with progress by polling and as server-sent events, per-file outcomes, a summary with the TAMPERED
 * files, the set's history, and the system's way in (admin command, as `auditor verify set` uses).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SetVerificationDto } from '../../src/services/verification/verification-schemas.ts';
import { createAuditSet } from '../files/file-support.ts';
import {
  fileId,
  folderId,
  ingest,
  recordBaselines,
  startVerifyEnv,
  tokenOf,
  type VerifyEnv,
} from './verification-support.ts';

const SOX = 'Compliance/SOX';

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

function parseSse(body: string): SseEvent[] {
  return body
    .split('\n\n')
    .filter((b) => b.trim())
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))!.slice(7);
      const data = JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6));
      return { event, data };
    });
}

describe('verifying a whole audit set', () => {
  let e: VerifyEnv;
  let setId: string;
  let soxFiles: string[];
  let tamperedId: string;

  before(async () => {
    e = await startVerifyEnv();
    const admin = await tokenOf(e, 'admin');
    setId = await createAuditSet(e.app, admin, {
      name: 'SOX review',
      collaborators: [{ userId: e.cast.auditor.userId, role: 'REVIEWER' }],
      items: [{ itemId: folderId(e, SOX), type: 'folder' }],
    });
    await recordBaselines(e);
    await ingest(e);
    const state = e.box.emulator.state;
    soxFiles = state
      .files()
      .filter((f) => state.pathOf(f).startsWith(`${SOX}/`) && !state.isTrashed(f.id))
      .map((f) => f.id);
    assert.ok(soxFiles.length >= 4, `SOX holds ${soxFiles.length} files`);
    tamperedId = fileId(e, `${SOX}/Deficiency Log.csv`);
    e.box.emulator.controls.tamper({ action: 'change-content', fileId: tamperedId });
  });
  after(() => e?.stop());

  test('a reviewer starts it; progress streams as server-sent events until a summary with the TAMPERED file', async () => {
    const auditor = await tokenOf(e, 'auditor');
    const started = await e.app.api.post(`/api/v1/audit-sets/${setId}/verifications`, {}, auditor);
    assert.equal(started.statusCode, 202, started.body);
    const run = started.json() as SetVerificationDto;
    assert.equal(run.kind, 'set');
    assert.equal(run.status, 'RUNNING');

    const stream = await e.app.api.get(
      `/api/v1/audit-sets/${setId}/verifications/${run.id}/progress`,
      auditor,
    );
    assert.equal(stream.statusCode, 200, stream.body);
    assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
    const events = parseSse(stream.body);
    const files = events.filter((x) => x.event === 'file');
    assert.equal(files.length, soxFiles.length, 'one event per file');
    assert.deepEqual(new Set(files.map((f) => f.data.fileId)), new Set(soxFiles));
    assert.ok(events.some((x) => x.event === 'progress'));
    const done = events.at(-1)!;
    assert.equal(done.event, 'done');
    const summary = done.data as unknown as SetVerificationDto;
    assert.equal(summary.status, 'DONE');
    assert.equal(summary.total, soxFiles.length);
    assert.equal(summary.done, soxFiles.length);
    assert.deepEqual(summary.counts, { INTACT: soxFiles.length - 1, TAMPERED: 1 });
    assert.deepEqual(
      summary.tampered.map((t) => t.fileId),
      [tamperedId],
    );
    assert.equal(summary.tampered[0]!.reasons[0]!.code, 'VERSION_HASH_CHANGED');
    // Progress never went backwards.
    const dones = events.filter((x) => x.event === 'progress').map((x) => x.data.done as number);
    assert.deepEqual(
      dones,
      [...dones].sort((a, b) => a - b),
    );
  });

  test('polling shows the same run; its per-file results are paged; the set keeps its history', async () => {
    const admin = await tokenOf(e, 'admin');
    const history = await e.app.api.get(`/api/v1/audit-sets/${setId}/verifications`, admin);
    assert.equal(history.statusCode, 200, history.body);
    const runs = history.json().items as SetVerificationDto[];
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.status, 'DONE');
    const runId = runs[0]!.id;
    const polled = (
      await e.app.api.get(`/api/v1/audit-sets/${setId}/verifications/${runId}`, admin)
    ).json() as SetVerificationDto;
    assert.equal(polled.status, 'DONE');
    assert.equal(polled.tampered[0]?.fileId, tamperedId);
    const byId = await e.app.api.get(`/api/v1/verifications/${runId}`, admin);
    assert.equal(byId.json().kind, 'set');

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/audit-sets/${setId}/verifications/${runId}/files?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await e.app.api.get(url, admin)).json();
      for (const item of page.items) {
        seen.push(item.fileId);
        assert.equal(item.setVerificationId, runId);
        assert.equal(item.setId, setId);
      }
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(new Set(seen), new Set(soxFiles));
    assert.equal(seen.length, soxFiles.length);
    // Filtered by outcome (the report's filter): only the TAMPERED file.
    const tampered = await e.app.api.get(
      `/api/v1/audit-sets/${setId}/verifications/${runId}/files?result=TAMPERED`,
      admin,
    );
    assert.deepEqual(
      tampered.json().items.map((i: { fileId: string }) => i.fileId),
      [tamperedId],
    );
  });

  test('the event stream works over a real connection, event by event', async () => {
    const admin = await tokenOf(e, 'admin');
    const run = (await e.app.api.post(`/api/v1/audit-sets/${setId}/verifications`, {}, admin)).json();
    const res = await fetch(`${e.app.url}/api/v1/audit-sets/${setId}/verifications/${run.id}/progress`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = parseSse(await res.text());
    assert.equal(events.filter((x) => x.event === 'file').length, soxFiles.length);
    assert.equal(events.at(-1)?.event, 'done');
  });

  test('only collaborators and audit admins: others do not see the set', async () => {
    const user = await tokenOf(e, 'user');
    assert.equal(
      (await e.app.api.post(`/api/v1/audit-sets/${setId}/verifications`, {}, user)).statusCode,
      404,
    );
    assert.equal((await e.app.api.get(`/api/v1/audit-sets/${setId}/verifications`, user)).statusCode, 404);
  });

  test('the schedule verifies every monitored set once per interval (default 24 h), within the Box budget', async () => {
    assert.equal(await e.verification.schedule.tick(), 1);
    assert.equal(await e.verification.schedule.tick(), 0, 'not again within the interval');
    const runs = async () =>
      (
        (await e.app.api.get(`/api/v1/audit-sets/${setId}/verifications`, await tokenOf(e, 'admin'))).json()
          .items as SetVerificationDto[]
      ).filter((r) => r.trigger === 'schedule');
    const first = await runs();
    assert.equal(first.length, 1);
    assert.equal(first[0]!.status, 'DONE');
    assert.equal(first[0]!.total, soxFiles.length);
    e.box.clock.advance(24 * 3600_000 + 1000);
    assert.equal(await e.verification.schedule.tick(), 1);
    assert.equal((await runs()).length, 2);
  });

  test('the system verifies a set the way `auditor verify set` does (admin command)', async () => {
    const report = (await e.app.adminCommands['verification.verifySet']!({ setId })) as {
      run: SetVerificationDto;
      files: { fileId: string; result: string }[];
    };
    assert.equal(report.run.status, 'DONE');
    assert.equal(report.run.trigger, 'cli');
    assert.equal(report.files.length, soxFiles.length);
    assert.equal(report.files.find((f) => f.fileId === tamperedId)?.result, 'TAMPERED');
  });
});
