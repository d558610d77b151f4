/**
 * `auditor events export` and `auditor events status` (product.md F3.3, F8) against a running
 * server on real PostgreSQL: the file export writes is exactly what the API exports for the same
 * filters, in both formats; bad filters exit 2 with the server's error code and leave no file; a
 * missing token exits 2; status prints what the operations overview shows.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../src/platform/db/database.ts';
import type { EventTables } from '../../src/services/event/event-tables.ts';
import { generateFixture, storeFixture } from '../events/fixture.ts';
import { freePort } from '../support/pg-cluster.ts';
import { childEnv, runCli } from '../support/processes.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('auditor events export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditor-export-'));
  let app: TestApp;
  let token: string;
  let url: string;
  const range = { from: '2025-10-01T00:00:00Z', to: '2026-01-01T00:00:00Z' };
  const env = () => childEnv({ AUDITOR_DATA_DIR: dir });

  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    app = await startTestApp({ env: { PORT: String(port), AUDITOR_PUBLIC_URL: url } });
    let orgId: string;
    ({ token, orgId } = await app.bootstrapAdmin('admin@export.test'));
    const events = generateFixture({ seed: 11, count: 300, start: new Date(range.from), months: 3 });
    await storeFixture(app.services.event!.deps.database as Database<EventTables>, orgId, events);
  });
  after(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const api = async (query: string) => {
    const res = await fetch(`${url}/api/v1/events/export?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    return res.text();
  };

  test('CSV: the file holds exactly what the API exports for the same filters', async () => {
    const output = join(dir, 'events.csv');
    const res = await runCli(
      [
        'events',
        'export',
        '--format',
        'csv',
        '--from',
        range.from,
        '--to',
        range.to,
        '--type',
        'UPLOAD,EDIT',
        '--url',
        url,
        '--token',
        token,
        '--output',
        output,
      ],
      env(),
    );
    assert.equal(res.code, 0, res.stderr);
    const file = readFileSync(output, 'utf8');
    assert.equal(file, await api(`format=csv&from=${range.from}&to=${range.to}&type=UPLOAD,EDIT`));
    const lines = file.trim().split('\r\n');
    assert.ok(lines.length > 10, 'the fixture has uploads and edits in the range');
    assert.ok(
      lines.slice(1).every((l) => /,(UPLOAD|EDIT),/.test(l)),
      'only the types asked for',
    );
    assert.ok(!existsSync(`${output}.partial`));
  });

  test('JSON to stdout, oldest first, with the raw events', async () => {
    const res = await runCli(
      [
        'events',
        'export',
        '--format',
        'json',
        '--from',
        range.from,
        '--to',
        range.to,
        '--order',
        'asc',
        '--url',
        url,
      ],
      { ...env(), AUDITOR_TOKEN: token },
    );
    assert.equal(res.code, 0, res.stderr);
    const doc = JSON.parse(res.stdout) as { events: { event: { createdAt: string }; raw: unknown }[] };
    const fromApi = JSON.parse(await api(`format=json&from=${range.from}&to=${range.to}&order=asc`));
    assert.deepEqual(doc.events, fromApi.events);
    const times = doc.events.map((e) => e.event.createdAt);
    assert.deepEqual(times, [...times].sort(), 'oldest first');
    assert.ok(doc.events.every((e) => typeof e.raw === 'object' && e.raw !== null));
  });

  test('a reversed range exits 2 with the server’s error code and writes no file', async () => {
    const output = join(dir, 'reversed.csv');
    const res = await runCli(
      [
        'events',
        'export',
        '--format',
        'csv',
        '--from',
        range.to,
        '--to',
        range.from,
        '--url',
        url,
        '--token',
        token,
        '--output',
        output,
      ],
      env(),
    );
    assert.equal(res.code, 2);
    assert.match(res.stderr, /answered 400: [A-Z_]+/);
    assert.ok(!existsSync(output) && !existsSync(`${output}.partial`));
  });

  test('without a token, or with a bad format, it exits 2 before calling anyone', async () => {
    const noToken = await runCli(['events', 'export', '--format', 'csv', '--url', url], env());
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /--token or AUDITOR_TOKEN/);
    const badFormat = await runCli(
      ['events', 'export', '--format', 'xml', '--url', url, '--token', token],
      env(),
    );
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.stderr, /--format must be csv or json/);
  });

  test('status: the same ingestion figures as the API, as JSON and as a table', async () => {
    const json = await runCli(['events', 'status', '--json', '--url', url, '--token', token], env());
    assert.equal(json.code, 0, json.stderr);
    const res = await fetch(`${url}/api/v1/events/ingest-status`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const fromApi = (await res.json()) as { eventsPerDay: unknown; ingestion: { eventsStored: number } };
    const printed = JSON.parse(json.stdout);
    assert.deepEqual(printed.eventsPerDay, fromApi.eventsPerDay);
    assert.equal(printed.ingestion.eventsStored, fromApi.ingestion.eventsStored);
    const table = await runCli(['events', 'status', '--url', url, '--token', token], env());
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^lag \(s\)\s+\d+ \((none|caught-up|newest-event)\)$/m);
    assert.equal(table.stdout.match(/^\d{4}-\d{2}-\d{2}\s+\d+$/gm)?.length, 14, 'fourteen days');
  });
});
