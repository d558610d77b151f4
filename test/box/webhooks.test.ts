/**
 * `verifyWebhookSignature` against real deliveries of the local Box (box-api.md §(g)): a webhook on a
 * folder, created through the API as a user, delivers to a receiver in this test when a file is
 * uploaded; we keep the raw bytes and headers and check what must pass and what must not.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { verifyWebhookSignature, type WebhookKeys } from '../../src/box/webhook-signature.ts';
import { type LocalBox, startLocalBox } from './local-box.ts';

interface Delivery {
  body: Buffer;
  headers: http.IncomingHttpHeaders;
}

async function startReceiver() {
  const received: Delivery[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks), headers: req.headers });
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/box-webhook`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('webhook signatures on real deliveries of the local Box', () => {
  let box: LocalBox;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let token: string;
  let folderId: string;
  let keys: Required<WebhookKeys>;

  before(async () => {
    box = await startLocalBox('2025-06-02T09:00:00Z');
    rx = await startReceiver();
    // A user's token from the OAuth app: the app whose keys sign the webhook's deliveries.
    const { code } = box.emulator.controls.authorize({
      clientId: box.oauthApp.clientId,
      login: 'admin@demo.example',
      redirectUri: 'http://127.0.0.1:9/callback',
    });
    const res = await fetch(`${box.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        client_id: box.oauthApp.clientId,
        client_secret: box.oauthApp.clientSecret,
      }).toString(),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
    folderId = box.emulator.state.folderByPath('Board/Resolutions')!.id;
    const created = await fetch(`${box.url}/2.0/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        target: { id: folderId, type: 'folder' },
        address: rx.url,
        triggers: ['FILE.UPLOADED'],
      }),
    });
    assert.equal(created.status, 201);
    keys = { primary: box.oauthApp.webhookPrimaryKey!, secondary: box.oauthApp.webhookSecondaryKey! };
  });
  after(async () => {
    await box?.close();
    await rx?.close();
  });

  /** Uploads a file into the folder through the API and returns the delivery it caused. */
  async function deliver(name: string): Promise<Delivery> {
    const before = rx.received.length;
    const form = new FormData();
    form.append('attributes', JSON.stringify({ name, parent: { id: folderId } }));
    form.append('file', new Blob([new TextEncoder().encode(`contents of ${name}`)]), name);
    const upload = await fetch(`${box.url}/api/2.0/files/content`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    assert.equal(upload.status, 201);
    await box.emulator.controls.webhooksIdle();
    assert.equal(rx.received.length, before + 1, 'one delivery');
    return rx.received.at(-1)!;
  }

  const verify = (
    d: Delivery,
    o: { keys?: WebhookKeys; now?: Date; body?: Buffer; headers?: Record<string, string> } = {},
  ) =>
    verifyWebhookSignature({
      body: o.body ?? d.body,
      headers: { ...d.headers, ...o.headers },
      keys: o.keys ?? keys,
      now: o.now ?? box.clock.now(),
    });

  test('a real delivery is accepted with both keys, with the primary only, and with the secondary only', async () => {
    const d = await deliver('Resolution 2025-03 Budget.pdf');
    const event = JSON.parse(d.body.toString('utf8')) as { trigger: string; source: { name: string } };
    assert.equal(event.trigger, 'FILE.UPLOADED');
    assert.equal(event.source.name, 'Resolution 2025-03 Budget.pdf');
    assert.ok(d.headers['box-signature-primary'] && d.headers['box-signature-secondary']);
    assert.deepEqual(verify(d), { ok: true });
    assert.deepEqual(verify(d, { keys: { primary: keys.primary } }), { ok: true });
    assert.deepEqual(verify(d, { keys: { secondary: keys.secondary } }), { ok: true });
  });

  test('during key rotation (a new primary key at Box, not yet ours) the secondary key carries the delivery', async () => {
    const app = box.oauthApp;
    const old = app.webhookPrimaryKey;
    app.webhookPrimaryKey = 'a freshly rotated primary key';
    try {
      const d = await deliver('Resolution 2025-04 Rotation.pdf');
      assert.deepEqual(verify(d), { ok: true });
      assert.deepEqual(verify(d, { keys: { primary: keys.primary } }), {
        ok: false,
        reason: 'bad_signature',
      });
      assert.deepEqual(verify(d, { keys: { primary: 'a freshly rotated primary key' } }), { ok: true });
    } finally {
      app.webhookPrimaryKey = old;
    }
  });

  test('a forged body, a re-serialised body and wrong keys are refused', async () => {
    const d = await deliver('Resolution 2025-05 Forgery.pdf');
    const forged = Buffer.from(d.body.toString('utf8').replace('Forgery', 'Approved'));
    assert.notDeepEqual(forged, d.body);
    assert.deepEqual(verify(d, { body: forged }), { ok: false, reason: 'bad_signature' });
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(d.body.toString('utf8')), null, 1));
    assert.deepEqual(verify(d, { body: reserialised }), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(verify(d, { keys: { primary: 'wrong', secondary: 'also wrong' } }), {
      ok: false,
      reason: 'bad_signature',
    });
    // Each key is checked against its own header: the keys swapped do not pass.
    assert.deepEqual(verify(d, { keys: { primary: keys.secondary, secondary: keys.primary } }), {
      ok: false,
      reason: 'bad_signature',
    });
    // A signature header swapped for another delivery's is refused.
    const other = await deliver('Resolution 2025-06 Other.pdf');
    assert.deepEqual(
      verify(d, {
        headers: {
          'box-signature-primary': String(other.headers['box-signature-primary']),
          'box-signature-secondary': String(other.headers['box-signature-secondary']),
        },
      }),
      { ok: false, reason: 'bad_signature' },
    );
    assert.deepEqual(verify(d, { keys: {} }), { ok: false, reason: 'no_keys' });
  });

  test('a delivery replayed more than 10 minutes later, or dated beyond the clock skew ahead, is refused', async () => {
    const d = await deliver('Resolution 2025-07 Replay.pdf');
    const sent = Date.parse(String(d.headers['box-delivery-timestamp']));
    assert.equal(sent, box.clock.now().getTime() - (box.clock.now().getTime() % 1000));
    box.clock.advance(9 * 60_000 + 59_000);
    assert.deepEqual(verify(d), { ok: true }, 'still within 10 minutes');
    box.clock.advance(2_000);
    assert.deepEqual(verify(d), { ok: false, reason: 'stale' });
    // Our clock 2 minutes behind the sender: beyond the allowed skew (60 s); 30 s behind is fine.
    assert.deepEqual(verify(d, { now: new Date(sent - 120_000) }), { ok: false, reason: 'future' });
    assert.deepEqual(verify(d, { now: new Date(sent - 30_000) }), { ok: true });
    // A fresh timestamp pasted onto the old delivery breaks the signature.
    const fresh = new Date(box.clock.now().getTime()).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    assert.deepEqual(verify(d, { headers: { 'box-delivery-timestamp': fresh } }), {
      ok: false,
      reason: 'bad_signature',
    });
  });

  test('wrong or missing signature version and algorithm headers are refused', async () => {
    const d = await deliver('Resolution 2025-08 Headers.pdf');
    assert.deepEqual(verify(d, { headers: { 'box-signature-version': '2' } }), {
      ok: false,
      reason: 'unsupported',
    });
    assert.deepEqual(verify(d, { headers: { 'box-signature-algorithm': 'HmacSHA1' } }), {
      ok: false,
      reason: 'unsupported',
    });
    const { 'box-signature-version': _v, ...noVersion } = d.headers;
    assert.deepEqual(
      verifyWebhookSignature({ body: d.body, headers: noVersion, keys, now: box.clock.now() }),
      {
        ok: false,
        reason: 'unsupported',
      },
    );
    const { 'box-signature-primary': _p, 'box-signature-secondary': _s, ...unsigned } = d.headers;
    assert.deepEqual(
      verifyWebhookSignature({ body: d.body, headers: unsigned, keys, now: box.clock.now() }),
      {
        ok: false,
        reason: 'missing_headers',
      },
    );
    const { 'box-delivery-timestamp': _t, ...undated } = d.headers;
    assert.deepEqual(verifyWebhookSignature({ body: d.body, headers: undated, keys, now: box.clock.now() }), {
      ok: false,
      reason: 'missing_headers',
    });
    // Header names are case-insensitive.
    const upper = Object.fromEntries(Object.entries(d.headers).map(([k, v]) => [k.toUpperCase(), v]));
    assert.deepEqual(verifyWebhookSignature({ body: d.body, headers: upper, keys, now: box.clock.now() }), {
      ok: true,
    });
  });
});
