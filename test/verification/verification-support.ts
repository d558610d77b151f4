/**
 * Shared support for the verification tests: the product on the local Box (demo enterprise) with a
 * manual clock both share, the file tests' cast (an audit admin who is the Box enterprise admin and
 * owns Board/ and Compliance/, a general user, an external auditor), ingestion starting at "now" (the
 * demo's history is not what these tests look at), and helpers that drive what background jobs do:
 * delivery, baselines, ingestion, enrichment, re-checks.
 */
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { ConfigKey } from '../../src/platform/config.ts';
import { localBoxSettings } from '../../src/runtime/demo.ts';
import type { Verification } from '../../src/services/verification/verification-module.ts';
import type { FileVerificationDto } from '../../src/services/verification/verification-schemas.ts';
import {
  type Cast,
  createCast,
  db,
  enrichUntilIdle,
  type FileBox,
  startFileBox,
} from '../files/file-support.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

export interface VerifyEnv {
  box: FileBox;
  app: TestApp;
  cast: Cast;
  verification: Verification;
  stop(): Promise<void>;
}

/** The default AUDITOR_VERIFY_EVENT_DELAY: events are known to be stored up to a minute before the last caught-up poll. */
export const EVENT_DELAY_MS = 60_000;

export async function startVerifyEnv(env: Partial<Record<ConfigKey, string>> = {}): Promise<VerifyEnv> {
  const box = await startFileBox();
  const app = await startTestApp({
    clock: box.clock,
    env,
    box: {
      settings: localBoxSettings(box, { callsPerMinute: 100_000, timeoutMs: 10_000, maxRetryWaitMs: 5_000 }),
      sleep: async (ms) => {
        box.clock.advance(ms);
        await new Promise<void>((r) => setImmediate(r));
      },
    },
  });
  const cast = await createCast(app, box);
  await sql`insert into event.org_streams (org_id, enterprise_id, stream_position)
            values (${cast.orgId}, ${box.emulator.enterprise.id}, ${box.emulator.state.latestStreamPosition()})`.execute(
    db(app),
  );
  return {
    box,
    app,
    cast,
    verification: app.services.verification!.verification,
    async stop() {
      await app.services.verification?.verification.sets.idle();
      await app.stop();
      await box.close();
    },
  };
}

/**
 * A fresh access token for one of the cast (access tokens live 15 minutes of the shared clock, and
 * these tests move it on by minutes at a time).
 */
export async function tokenOf(e: VerifyEnv, who: 'admin' | 'user' | 'auditor'): Promise<string> {
  const identity = e.app.services.identity!;
  const row = await identity.deps.users.userById(identity.deps.database.db, e.cast[who].userId);
  if (!row) throw new Error(`no user ${who}`);
  return (await identity.sessions.issue(row, { ip: '127.0.0.1' })).accessToken;
}

/** Polls Box's event stream until caught up (caught_up_at becomes the clock's now). */
export async function ingest(e: VerifyEnv): Promise<void> {
  const ingester = e.app.services.event!.ingester;
  for (let i = 0; i < 100 && (await ingester.tick()); i++);
}

/** Delivers outboxes and runs the baseline job until no baseline is pending. */
export async function recordBaselines(e: VerifyEnv, maxRounds = 100): Promise<void> {
  for (let round = 0; round < maxRounds; round++) {
    await e.app.drainOutboxes();
    if ((await e.verification.baselines.pending()) === 0) {
      await e.app.drainOutboxes();
      return;
    }
    await e.verification.baselines.tick();
    e.box.clock.advance(250);
  }
  throw new Error('baselines did not finish');
}

/**
 * Lets the event delay pass, ingests what Box recorded, and lets the ledger, enrichment and the
 * event reconciliation catch up: afterwards every change so far is recorded and ingestion's
 * watermark is past it.
 */
export async function catchUp(e: VerifyEnv): Promise<void> {
  e.box.clock.advance(EVENT_DELAY_MS + 1000);
  await ingest(e);
  await e.app.drainOutboxes();
  await enrichUntilIdle(e.app, e.box);
  await e.app.drainOutboxes();
}

/** POST /files/:id/verifications; asserts 201 and returns the result. */
export async function verifyFile(
  e: VerifyEnv,
  token: string,
  fileId: string,
  body: { setId?: string } = {},
): Promise<FileVerificationDto> {
  const res = await e.app.api.post(`/api/v1/files/${fileId}/verifications`, body, token);
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as FileVerificationDto;
}

/** Runs the re-check job once after the re-checks became due; returns how many it re-verified. */
export async function recheck(e: VerifyEnv): Promise<number> {
  e.box.clock.advance(10 * 60_000);
  const n = await e.verification.rechecks.tick();
  await e.app.drainOutboxes();
  return n;
}

/** The current value of a counter (optionally one label set) in this process's registry. */
export async function counter(
  app: TestApp,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = app.platform.metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const values = (await metric.get()).values;
  return values
    .filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))
    .reduce((n, v) => n + v.value, 0);
}

export function fileId(e: VerifyEnv, path: string): string {
  const f = e.box.emulator.state.fileByPath(path);
  if (!f) throw new Error(`no file ${path}`);
  return f.id;
}

export function folderId(e: VerifyEnv, path: string): string {
  const f = e.box.emulator.state.folderByPath(path);
  if (!f) throw new Error(`no folder ${path}`);
  return f.id;
}

/** A past (not current) version of a file in the local Box. */
export function pastVersionOf(e: VerifyEnv, id: string, which: 'oldest' | 'newest' = 'oldest'): string {
  const f = e.box.emulator.state.file(id)!;
  const past = f.versions
    .filter((v) => v.id !== f.currentVersionId)
    .sort((a, b) => a.versionNumber - b.versionNumber);
  const v = which === 'oldest' ? past[0] : past[past.length - 1];
  if (!v) throw new Error(`file ${id} has no past version`);
  return v.id;
}
