/**
 * Bad input to the event API gets a 4xx with a stable code (product.md §5), never a 500, and
 * changes nothing; only audit admins may search, export or read counts.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createManualClock } from '../../src/platform/clock.ts';
import type { Database } from '../../src/platform/db/database.ts';
import type { Role } from '../../src/platform/messaging/catalogue.ts';
import type { EventTables } from '../../src/services/event/event-tables.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { generateFixture, storeFixture } from './fixture.ts';

const NOW = new Date('2026-03-01T00:00:00Z');
const ENDPOINTS = [
  '/api/v1/events',
  '/api/v1/events/export?format=csv',
  '/api/v1/events/stats',
  '/api/v1/items/501/events',
];

describe('bad parameters and access to the event API', () => {
  let app: TestApp;
  let token: string;
  let orgId: string;

  before(async () => {
    app = await startTestApp({ clock: createManualClock(NOW) });
    ({ token, orgId } = await app.bootstrapAdmin('admin@bad-params.test'));
    await storeFixture(
      app.services.event!.deps.database as Database<EventTables>,
      orgId,
      generateFixture({ seed: 3, count: 50, start: new Date('2026-02-01T00:00:00Z'), months: 1 }),
    );
  });
  after(() => app?.stop());

  /** Row counts of every event table and of the event outbox. */
  async function counts() {
    const res = await sql<{ t: string; n: number }>`
      select 'events' as t, count(*)::int as n from event.events
      union all select 'keys', count(*)::int from event.event_keys
      union all select 'streams', count(*)::int from event.org_streams
      union all select 'backfills', count(*)::int from event.backfills
      union all select 'outbox', count(*)::int from event.outbox`.execute(app.platform.pool.db);
    return Object.fromEntries(res.rows.map((r) => [r.t, r.n]));
  }

  async function expectError(path: string, status: number, code: string, who = token) {
    const res = await app.api.get(path, who);
    assert.equal(res.statusCode, status, `${path}: ${res.body.slice(0, 300)}`);
    const body = res.json();
    assert.equal(body.error.code, code, path);
    assert.equal(typeof body.error.message, 'string');
    assert.ok(body.requestId, 'the error names its request');
    return body;
  }

  function sessionFor(roles: Role[], scopes: Array<'read' | 'write' | 'admin'>) {
    return app.services.identity!.signer.sign(
      { userId: randomUUID(), orgId, roles, scopes, sessionId: randomUUID() },
      NOW,
    );
  }

  test('a reversed or empty range is EVENT_RANGE_INVALID, wherever a range is taken', async () => {
    const before = await counts();
    const reversed = 'from=2026-02-10T00:00:00Z&to=2026-02-01T00:00:00Z';
    for (const base of ENDPOINTS) {
      const sep = base.includes('?') ? '&' : '?';
      const body = await expectError(`${base}${sep}${reversed}`, 400, 'EVENT_RANGE_INVALID');
      assert.deepEqual(body.error.details, {
        from: '2026-02-10T00:00:00.000Z',
        to: '2026-02-01T00:00:00.000Z',
      });
      // 09:00 in Tokyo is midnight UTC: an empty range. (`+` travels encoded, as %2B.)
      await expectError(
        `${base}${sep}from=${encodeURIComponent('2026-02-01T09:00:00+09:00')}&to=2026-02-01T00:00:00Z`,
        400,
        'EVENT_RANGE_INVALID',
      );
    }
    // Only `from`, later than the default `to` (now).
    await expectError('/api/v1/events?from=2026-03-02T00:00:00Z', 400, 'EVENT_RANGE_INVALID');
    assert.deepEqual(await counts(), before);
  });

  test('an event type Box does not have is EVENT_TYPE_UNKNOWN; a malformed one is VALIDATION_FAILED', async () => {
    const body = await expectError('/api/v1/events?type=UPLOAD,NOT_A_BOX_TYPE', 400, 'EVENT_TYPE_UNKNOWN');
    assert.deepEqual(body.error.details, { type: 'NOT_A_BOX_TYPE' });
    assert.match(body.error.message, /NOT_A_BOX_TYPE/);
    await expectError('/api/v1/events/stats?type=NOPE', 400, 'EVENT_TYPE_UNKNOWN');
    await expectError('/api/v1/events/export?format=json&type=NOPE', 400, 'EVENT_TYPE_UNKNOWN');
    for (const bad of ['upload', 'UP LOAD', 'X'.repeat(81), "UPLOAD'--"])
      await expectError(`/api/v1/events?type=${encodeURIComponent(bad)}`, 400, 'VALIDATION_FAILED');
  });

  test('a Japanese client gets the message in Japanese', async () => {
    const res = await app.api.get('/api/v1/events?type=NOPE', token, { 'accept-language': 'ja' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'EVENT_TYPE_UNKNOWN');
    assert.match(res.json().error.message, /不明なイベント種別/);
  });

  test('malformed dates are VALIDATION_FAILED', async () => {
    for (const bad of [
      'yesterday',
      '2026-02-01',
      '2026-02-01T00:00:00',
      '2026-13-01T00:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-02-01T25:00:00Z',
      '2026-02-01 00:00:00Z',
      '1700000000',
    ]) {
      for (const name of ['from', 'to'])
        await expectError(`/api/v1/events?${name}=${encodeURIComponent(bad)}`, 400, 'VALIDATION_FAILED');
      await expectError(`/api/v1/events/stats?from=${encodeURIComponent(bad)}`, 400, 'VALIDATION_FAILED');
    }
  });

  test('page sizes outside 1–500, bad ids, orders, formats and time zones are VALIDATION_FAILED', async () => {
    for (const q of [
      'limit=501',
      'limit=0',
      'limit=-1',
      'limit=ten',
      'limit=1.5',
      'order=sideways',
      'actor=' + encodeURIComponent('1;drop table'),
      'item=' + 'x'.repeat(41),
      'actor=' + Array.from({ length: 51 }, (_, i) => i).join(','),
    ])
      await expectError(`/api/v1/events?${q}`, 400, 'VALIDATION_FAILED');
    await expectError('/api/v1/items/501/events?limit=501', 400, 'VALIDATION_FAILED');
    await expectError(`/api/v1/items/${encodeURIComponent('../etc')}/events`, 400, 'VALIDATION_FAILED');
    await expectError('/api/v1/events/export?format=xlsx', 400, 'VALIDATION_FAILED');
    await expectError('/api/v1/events/export', 400, 'VALIDATION_FAILED');
    await expectError('/api/v1/events/stats?tz=Mars/Olympus_Mons', 400, 'VALIDATION_FAILED');
    // The limits themselves are fine.
    for (const q of ['limit=1', 'limit=500'])
      assert.equal((await app.api.get(`/api/v1/events?${q}`, token)).statusCode, 200);
  });

  test('a cursor that is not one of ours is CURSOR_INVALID', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const cursor of [
      'garbage',
      b64({ d: 'x', k: { createdAt: '2026-02-01T00:00:00.000Z', eventId: 'a' } }),
      b64({ d: 'a', k: { createdAt: 'not a date', eventId: 'a' } }),
      b64({ d: 'a', k: { createdAt: '2026-02-01T00:00:00.000Z' } }),
      b64({ d: 'b', k: null }),
      b64('just a string'),
    ]) {
      await expectError(`/api/v1/events?cursor=${encodeURIComponent(cursor)}`, 400, 'CURSOR_INVALID');
      await expectError(
        `/api/v1/items/501/events?cursor=${encodeURIComponent(cursor)}`,
        400,
        'CURSOR_INVALID',
      );
    }
    await expectError(`/api/v1/events?cursor=${'a'.repeat(501)}`, 400, 'VALIDATION_FAILED');
  });

  test('general users and external auditors see only their audit sets (none here: nothing), anonymous callers get 401', async () => {
    const before = await counts();
    const general = (await sessionFor(['GENERAL_USER'], ['read', 'write'])).token;
    const auditor = (await sessionFor(['EXTERNAL_AUDITOR'], ['read'])).token;
    const admin = await app.api.get('/api/v1/events', token);
    assert.ok(admin.json().items.length > 0, 'the organisation has events in range');
    for (const who of [general, auditor]) {
      const search = await app.api.get('/api/v1/events', who);
      assert.equal(search.statusCode, 200, search.body.slice(0, 300));
      assert.deepEqual(search.json().items, [], 'no event outside their audit sets');
      const stats = await app.api.get('/api/v1/events/stats', who);
      assert.equal(stats.json().total, 0);
      const csv = await app.api.get('/api/v1/events/export?format=csv', who);
      assert.equal(csv.statusCode, 200);
      assert.equal(csv.body.trim().split('\r\n').length, 1, 'only the header row');
      // An item's history is scoped the same way: not theirs, not found.
      const history = await app.api.get('/api/v1/items/501/events', who);
      assert.equal(history.statusCode, 404, history.body.slice(0, 300));
      assert.equal(history.json().error.code, 'NOT_FOUND');
    }
    assert.ok((await app.api.get('/api/v1/items/501/events', token)).json().items.length > 0);
    for (const path of ENDPOINTS) {
      const anonymous = await app.api.get(path);
      assert.equal(anonymous.statusCode, 401, path);
      assert.equal(anonymous.json().error.code, 'UNAUTHENTICATED');
      const forged = await app.api.get(path, `${token.slice(0, -4)}AAAA`);
      assert.equal(forged.statusCode, 401, path);
      assert.equal((await app.api.get(path, token)).statusCode, 200, path);
    }
    assert.deepEqual(await counts(), before, 'nothing was written');
  });
});
