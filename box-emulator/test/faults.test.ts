import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { call, ccgToken, startTestBox, type TestBox } from './helpers.ts';

describe('fault injection and the request log', () => {
  let box: TestBox;
  let sa: string;
  before(async () => {
    box = await startTestBox();
    sa = await ccgToken(box);
  });
  after(() => box.close());
  beforeEach(() => {
    box.emulator.controls.clearFaults();
    box.emulator.controls.clearRequests();
  });

  test('a 429 answers Box’s error with Retry-After, and the request log shows when the retry came', async () => {
    box.emulator.controls.addFault({
      kind: 'status',
      status: 429,
      retryAfter: 10,
      times: 1,
      match: { path: '/2.0/users/me' },
    });
    const limited = await call(box, 'GET', '/2.0/users/me', { token: sa });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '10');
    assert.equal(limited.body.code, 'rate_limit_exceeded');
    assert.equal(limited.body.request_id, limited.headers.get('box-request-id'));
    box.clock.advanceSeconds(10);
    assert.equal((await call(box, 'GET', '/2.0/users/me', { token: sa })).status, 200);
    const [first, second] = box.emulator.controls.requests({ pathPrefix: '/2.0/users/me' });
    assert.equal(first!.status, 429);
    assert.equal(first!.fault, 'status:429');
    assert.equal(second!.status, 200);
    assert.equal(Date.parse(second!.time) - Date.parse(first!.time), 10_000);
  });

  test('status faults match by method and by path regex, and stop after `times` uses', async () => {
    box.emulator.controls.addFault({
      kind: 'status',
      status: 500,
      times: 2,
      match: { method: 'GET', path: '^/2\\.0/users/\\d+$' },
    });
    const id = box.emulator.state.user('admin@demo.example').id;
    assert.equal((await call(box, 'GET', '/2.0/users/me', { token: sa })).status, 200);
    const failed = await call(box, 'GET', `/2.0/users/${id}`, { token: sa });
    assert.equal(failed.status, 500);
    assert.equal(failed.body.code, 'internal_server_error');
    assert.equal((await call(box, 'GET', `/2.0/users/${id}`, { token: sa })).status, 500);
    assert.equal((await call(box, 'GET', `/2.0/users/${id}`, { token: sa })).status, 200);
    assert.deepEqual(box.emulator.controls.faults(), []);
  });

  test('drop-connection closes the socket without an answer', async () => {
    box.emulator.controls.addFault({ kind: 'drop-connection', times: 1 });
    await assert.rejects(fetch(`${box.url}/2.0/users/me`, { headers: { authorization: `Bearer ${sa}` } }));
    assert.equal((await call(box, 'GET', '/2.0/users/me', { token: sa })).status, 200);
    const log = box.emulator.controls.requests();
    assert.equal(log[0]!.status, 0);
    assert.equal(log[0]!.fault, 'drop-connection');
  });

  test('a latency fault delays matching requests and is then used up', async () => {
    box.emulator.controls.addFault({ kind: 'latency', ms: 20, times: 1, match: { path: '/2.0/users' } });
    assert.equal((await call(box, 'GET', '/2.0/users/me', { token: sa })).status, 200);
    assert.deepEqual(box.emulator.controls.faults(), []);
  });

  const page = (position: string, limit = 5) =>
    call(
      box,
      'GET',
      `/2.0/events?stream_type=admin_logs_streaming&stream_position=${position}&limit=${limit}`,
      { token: sa },
    );
  const ids = (res: { body: { entries: { event_id: string }[] } }) => res.body.entries.map((e) => e.event_id);

  test('duplicate-events repeats events already delivered, without losing any', async () => {
    const first = await page('0');
    const clean = await page(first.body.next_stream_position);
    box.emulator.controls.addFault({ kind: 'duplicate-events', times: 1 });
    const dup = await page(first.body.next_stream_position);
    assert.ok(
      ids(dup).some((id) => ids(first).includes(id)),
      'repeats an event of the previous page',
    );
    assert.ok(ids(dup).length > new Set(ids(dup)).size, 'repeats an event within the page');
    assert.deepEqual(
      [...new Set(ids(dup))].filter((id) => !ids(first).includes(id)),
      ids(clean),
    );
    assert.equal(dup.body.next_stream_position, clean.body.next_stream_position);
  });

  test('reorder-events returns a page out of order', async () => {
    const clean = await page('0');
    box.emulator.controls.addFault({ kind: 'reorder-events', times: 1 });
    const shuffled = await page('0');
    assert.notDeepEqual(ids(shuffled), ids(clean));
    assert.deepEqual([...ids(shuffled)].sort(), [...ids(clean)].sort());
    assert.deepEqual(ids(await page('0')), ids(clean), 'only once');
  });

  test('expire-stream-position refuses the next old position once', async () => {
    const first = await page('0');
    box.emulator.controls.addFault({ kind: 'expire-stream-position' });
    assert.equal((await page('0')).status, 200, 'a restart from 0 is not an old position');
    const expired = await page(first.body.next_stream_position);
    assert.equal(expired.status, 400);
    assert.equal(expired.body.context_info.errors[0].name, 'stream_position');
    assert.equal((await page(first.body.next_stream_position)).status, 200);
  });

  test('the control API manages faults and the request log over HTTP', async () => {
    const added = await call(box, 'POST', '/_emulator/faults', {
      json: { kind: 'status', status: 503, retryAfter: 3, times: 1 },
    });
    assert.equal(added.status, 201);
    assert.equal((await call(box, 'GET', '/_emulator/faults')).body.entries.length, 1);
    const unavailable = await call(box, 'GET', '/2.0/users/me', { token: sa });
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.headers.get('retry-after'), '3');
    const log = await call(box, 'GET', '/_emulator/requests?path=/2.0/users');
    assert.equal(log.body.entries.length, 1);
    assert.equal(log.body.entries[0].clientId, undefined, 'faulted before authentication');
    assert.equal((await call(box, 'POST', '/_emulator/faults', { json: { kind: 'nope' } })).status, 400);
    assert.equal((await call(box, 'DELETE', '/_emulator/requests')).status, 204);
    assert.deepEqual((await call(box, 'GET', '/_emulator/requests')).body.entries, []);
    const ok = await call(box, 'GET', '/2.0/users/me', { token: sa });
    const entry = (await call(box, 'GET', '/_emulator/requests')).body.entries[0];
    assert.equal(entry.clientId, box.ccg.clientId);
    assert.equal(entry.userId, ok.body.id);
    assert.equal(entry.requestId, ok.headers.get('box-request-id'));
  });
});
