import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebhooksManager } from 'box-node-sdk/managers';
import { ManualClock } from '../clock.ts';
import { validateBoxSchema } from '../openapi-validator.ts';
import { call, startTestBox, type TestBox, uploadForm, userToken } from './helpers.ts';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A webhook receiver answering the queued statuses (then 200) and keeping the raw bodies. */
async function receiver(statuses: number[]) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const sign = (key: string, body: Buffer, timestamp: string) =>
  createHmac('sha256', key).update(body).update(Buffer.from(timestamp)).digest('base64');
const same = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

describe('webhooks v2', () => {
  let box: TestBox;
  let admin: string;
  let rx: Awaited<ReturnType<typeof receiver>>;
  before(async () => {
    box = await startTestBox({ clock: new ManualClock(Date.now()) });
    admin = await userToken(box, 'admin@demo.example');
    rx = await receiver([500]);
  });
  after(async () => {
    await box.close();
    await rx.close();
  });

  test('deliveries are signed with both keys (HMAC-SHA256 over body ‖ timestamp) and fail with a wrong key', async () => {
    const folder = box.emulator.state.folderByPath('Board/Resolutions')!;
    const created = await call(box, 'POST', '/2.0/webhooks', {
      token: admin,
      json: { target: { id: folder.id, type: 'folder' }, address: rx.url, triggers: ['FILE.UPLOADED'] },
    });
    assert.equal(created.status, 201);
    const upload = await call(box, 'POST', '/api/2.0/files/content', {
      token: admin,
      body: uploadForm({ name: 'Resolution draft.txt', parent: { id: folder.id } }, Buffer.from('draft')),
    });
    assert.equal(upload.status, 201);
    await box.emulator.controls.webhooksIdle();
    assert.equal(rx.received.length, 1);
    const { headers, body } = rx.received[0]!;
    const timestamp = String(headers['box-delivery-timestamp']);
    assert.equal(headers['box-signature-version'], '1');
    assert.equal(headers['box-signature-algorithm'], 'HmacSHA256');
    const app = box.oauthApp;
    assert.ok(same(sign(app.webhookPrimaryKey!, body, timestamp), String(headers['box-signature-primary'])));
    assert.ok(
      same(sign(app.webhookSecondaryKey!, body, timestamp), String(headers['box-signature-secondary'])),
    );
    assert.ok(!same(sign('wrong-key', body, timestamp), String(headers['box-signature-primary'])));
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));
    assert.equal(
      await WebhooksManager.validateMessage(body.toString(), lower, app.webhookPrimaryKey!, {
        secondaryKey: app.webhookSecondaryKey!,
      }),
      true,
    );
    assert.equal(
      await WebhooksManager.validateMessage(body.toString(), lower, 'wrong-key', {
        secondaryKey: 'also-wrong',
      }),
      false,
    );
    const payload = JSON.parse(body.toString());
    assert.equal(payload.type, 'webhook_event');
    assert.equal(payload.trigger, 'FILE.UPLOADED');
    assert.equal(payload.webhook.id, created.body.id);
    assert.equal(payload.source.id, upload.body.entries[0].id);
    assert.deepEqual(validateBoxSchema('File', payload.source), []);
  });

  test('a failed delivery is retried with the same body id and a new delivery id', async () => {
    assert.equal(box.emulator.controls.webhookDeliveries()[0]!.status, 500);
    assert.equal(await box.emulator.controls.flushWebhooks(), 1);
    assert.equal(rx.received.length, 2);
    const [first, second] = rx.received.map((r) => ({
      body: JSON.parse(r.body.toString()),
      id: r.headers['box-delivery-id'],
    }));
    assert.equal(second!.body.id, first!.body.id);
    assert.notEqual(second!.id, first!.id);
    assert.equal(box.emulator.controls.webhookDeliveries()[1]!.status, 200);
    assert.equal(await box.emulator.controls.flushWebhooks(), 0, 'nothing left to retry');
  });

  test('folder webhooks cascade to files in subfolders; file webhooks take file triggers only', async () => {
    const minutes = box.emulator.state.folderByPath('Board/Minutes')!;
    await call(box, 'POST', '/2.0/webhooks', {
      token: admin,
      json: {
        target: { id: minutes.id, type: 'folder' },
        address: rx.url,
        triggers: ['FILE.UPLOADED', 'FILE.RENAMED'],
      },
    });
    const file = box.emulator.state.fileByPath('Board/Minutes/2025/Minutes 2025-04.pdf')!;
    await call(box, 'PUT', `/2.0/files/${file.id}`, {
      token: admin,
      json: { name: 'Minutes 2025-04 (approved).pdf' },
    });
    await box.emulator.controls.webhooksIdle();
    assert.equal(JSON.parse(rx.received.at(-1)!.body.toString()).trigger, 'FILE.RENAMED');
    const bad = await call(box, 'POST', '/2.0/webhooks', {
      token: admin,
      json: { target: { id: file.id, type: 'file' }, address: rx.url, triggers: ['FILE.UPLOADED'] },
    });
    assert.equal(bad.status, 400);
    const unknown = await call(box, 'POST', '/2.0/webhooks', {
      token: admin,
      json: { target: { id: file.id, type: 'file' }, address: rx.url, triggers: ['FILE.EXPLODED'] },
    });
    assert.equal(unknown.status, 400);
  });
});
