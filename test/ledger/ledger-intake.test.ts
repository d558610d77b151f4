import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { canonicalize, canonicalizeText, leafHash } from '../../src/ledger/index.ts';
import type { Envelope } from '../../src/platform/messaging/catalogue.ts';
import { contextFor } from '../../src/runtime/services.ts';
import type { EventClient } from '../../src/services/event/event-client.ts';
import { createVerificationService } from '../../src/services/verification/verification-module.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { envelope, leavesOf, ledgerOf } from './ledger-support.ts';

const hash64 = (text: string) => leafHash(Buffer.from(text, 'utf8')).toString('base64');

describe('ledger intake from messages', () => {
  let app: TestApp;
  let admin: { token: string; userId: string; orgId: string };

  before(async () => {
    app = await startTestApp();
    admin = await app.bootstrapAdmin('admin@intake.test');
  });
  after(() => app.stop());

  test('identity messages become audit_action leaves in commit order, and redelivery adds nothing', async () => {
    for (const n of [1, 2, 3]) {
      const res = await app.api.post(
        '/api/v1/users',
        { email: `ea${n}@intake.test`, name: `Auditor ${n}`, password: 'a long enough password here' },
        admin.token,
      );
      assert.equal(res.statusCode, 201);
    }
    await app.drainOutboxes();

    const outbox = await sql<{ id: string; topic: string; payload: { orgId: string } }>`
      select id, topic, payload from identity.outbox order by seq`.execute(app.platform.pool.db);
    const ours = outbox.rows.filter((r) => r.payload.orgId === admin.orgId);
    assert.equal(ours.length, 4, 'the bootstrap and three external auditors');

    const leaves = await leavesOf(app, admin.orgId);
    assert.deepEqual(
      leaves.map((l) => l.leaf_index),
      [0, 1, 2, 3],
    );
    assert.ok(leaves.every((l) => l.kind === 'audit_action'));
    assert.deepEqual(
      leaves.map((l) => l.ref),
      ours.map((r) => r.id),
      'leaf order is the order the messages were committed',
    );
    const first = JSON.parse(leaves[0]!.data);
    assert.equal(first.kind, 'audit_action');
    assert.equal(first.data.topic, 'identity.user_created');
    assert.equal(first.data.messageId, ours[0]!.id);
    assert.equal(first.data.payload.orgId, admin.orgId);
    for (const leaf of leaves) {
      assert.equal(leaf.data, canonicalizeText(leaf.data), 'leaf bytes are canonical JSON');
      assert.deepEqual(leaf.leaf_hash, leafHash(Buffer.from(leaf.data, 'utf8')));
    }

    // The same batch again: the inbox skips it.
    const rows = await sql<{ id: string; topic: string; key: string; payload: unknown; created_at: Date }>`
      select id, topic, key, payload, created_at from identity.outbox order by seq`.execute(
      app.platform.pool.db,
    );
    const batch = rows.rows.map(
      (r) =>
        ({
          id: r.id,
          topic: r.topic,
          key: r.key,
          payload: r.payload,
          createdAt: new Date(r.created_at).toISOString(),
        }) as Envelope,
    );
    await app.services.verification!.module.receiver!.receive('verification.ledger', batch);
    assert.equal((await leavesOf(app, admin.orgId)).length, 4);

    // Even with the inbox forgotten, the (kind, ref) key keeps the leaves unique.
    await sql`delete from ledger.inbox where subscriber = 'verification.ledger'`.execute(
      app.platform.pool.db,
    );
    await app.services.verification!.module.receiver!.receive('verification.ledger', batch);
    const again = await leavesOf(app, admin.orgId);
    assert.equal(again.length, 4);
    assert.deepEqual(
      again.map((l) => l.ref),
      ours.map((r) => r.id),
    );
    const head = await ledgerOf(app).reader.log(admin.orgId);
    assert.equal(head?.treeSize, 4);
  });

  test('an append of a thousand leaves in one batch gets consecutive indexes and matching tiles', async () => {
    const orgId = randomUUID();
    const messages = Array.from({ length: 1000 }, (_, i) =>
      envelope('audit.access_logged', {
        v: 1,
        orgId,
        actorId: null,
        accessId: randomUUID(),
        setId: null,
        itemId: String(i),
        userId: randomUUID(),
        action: 'VIEW',
        at: new Date().toISOString(),
      }),
    );
    await app.services.verification!.module.receiver!.receive('verification.ledger', messages);
    const leaves = await leavesOf(app, orgId);
    assert.equal(leaves.length, 1000);
    assert.deepEqual(
      leaves.map((l) => l.ref),
      messages.map((m) => m.id),
    );
    const [result] = await ledgerOf(app).auditor.run(orgId);
    assert.equal(result?.ok, true, JSON.stringify(result));
    assert.equal(result?.tileMismatchCount, 0);
  });

  test('file observations become file_version leaves; one whose announced hash differs is refused', async () => {
    const orgId = randomUUID();
    const good = {
      observationId: randomUUID(),
      fileId: '12345',
      versionId: '67890',
      sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
      size: 0,
      modifiedAt: '2024-01-02T03:04:05Z',
      observedAt: '2024-01-02T03:05:00Z',
      source: 'enrichment' as const,
    };
    const goodText = canonicalize({ data: good, kind: 'file_version' });
    const bad = { ...good, observationId: randomUUID(), versionId: '67891' };
    await app.services.verification!.module.receiver!.receive('verification.ledger', [
      envelope('file.version_observed', {
        v: 1,
        orgId,
        observations: [
          { ...good, leafHash: hash64(goodText) },
          { ...bad, leafHash: hash64(goodText) },
        ],
      }),
    ]);
    const leaves = await leavesOf(app, orgId);
    assert.equal(leaves.length, 1);
    assert.equal(leaves[0]!.kind, 'file_version');
    assert.equal(leaves[0]!.ref, good.observationId);
    assert.equal(leaves[0]!.data, goodText);
    const refused = await sql<{ ref: string; reason: string }>`
      select ref, reason from ledger.refused_leaves where org_id = ${orgId}`.execute(app.platform.pool.db);
    assert.deepEqual(refused.rows, [{ ref: bad.observationId, reason: 'HASH_MISMATCH' }]);
    assert.ok(app.logs.some((l) => l.includes('ledger refused leaves') && l.includes('"level":"error"')));
  });

  test('stored events become box_event leaves from the event service text, checked against the announced hash', async () => {
    const orgId = randomUUID();
    // Integers beyond 2^53 must survive: the text is taken verbatim.
    const texts = new Map<string, string>([
      ['ev-1', canonicalizeText('{"type":"ITEM_UPLOAD","event_id":"ev-1","source":{"id":9007199254740993}}')],
      ['ev-2', canonicalizeText('{"type":"ITEM_PREVIEW","event_id":"ev-2"}')],
      ['ev-3', canonicalizeText('{"type":"ITEM_DOWNLOAD","event_id":"ev-3"}')],
    ]);
    const asked: string[][] = [];
    const events: Pick<EventClient, 'leafTexts'> = {
      async leafTexts(org, ids) {
        assert.equal(org, orgId);
        asked.push(ids);
        return ids.filter((id) => texts.has(id)).map((id) => ({ eventId: id, text: texts.get(id)! }));
      },
    };
    // A verification service of the same platform with a fake event client: the event service is
    // being built elsewhere, and the leaf rules are ours to test.
    const verification = await createVerificationService(contextFor(app.platform, 'verification'), {
      events: () => events,
    });
    const leafText = (id: string) => `{"data":${texts.get(id)},"kind":"box_event"}`;
    const event = (eventId: string, leafHashB64: string) => ({
      eventId,
      leafHash: leafHashB64,
      type: 'ITEM_UPLOAD',
      itemId: null,
      itemType: null,
      ownerBoxUserId: null,
      createdAt: '2024-01-01T00:00:00Z',
    });
    await verification.module.receiver!.receive('verification.ledger', [
      envelope('event.stored', {
        v: 1,
        orgId,
        events: [
          event('ev-1', hash64(leafText('ev-1'))),
          event('ev-2', hash64('{"data":{},"kind":"box_event"}')),
          event('ev-3', hash64(leafText('ev-3'))),
          event('ev-4', hash64('anything')),
        ],
      }),
    ]);
    assert.deepEqual(asked, [['ev-1', 'ev-2', 'ev-3', 'ev-4']]);
    const leaves = await leavesOf(app, orgId);
    assert.deepEqual(
      leaves.map((l) => [l.leaf_index, l.kind, l.ref]),
      [
        [0, 'box_event', 'ev-1'],
        [1, 'box_event', 'ev-3'],
      ],
    );
    assert.equal(leaves[0]!.data, leafText('ev-1'));
    assert.ok(leaves[0]!.data.includes('9007199254740993'));
    assert.equal(leaves[0]!.data, canonicalizeText(leaves[0]!.data));
    const refused = await sql<{ ref: string; reason: string }>`
      select ref, reason from ledger.refused_leaves where org_id = ${orgId} order by ref`.execute(
      app.platform.pool.db,
    );
    assert.deepEqual(refused.rows, [
      { ref: 'ev-2', reason: 'HASH_MISMATCH' },
      { ref: 'ev-4', reason: 'TEXT_MISSING' },
    ]);
  });

  test('a failing event service fails the delivery, so the relay retries and nothing is half-appended', async () => {
    const orgId = randomUUID();
    const verification = await createVerificationService(contextFor(app.platform, 'verification'), {
      events: () => ({
        leafTexts: async () => {
          throw new Error('event service down');
        },
      }),
    });
    const message = envelope('event.stored', {
      v: 1,
      orgId,
      events: [
        {
          eventId: 'ev-x',
          leafHash: hash64('x'),
          type: 'ITEM_UPLOAD',
          itemId: null,
          itemType: null,
          ownerBoxUserId: null,
          createdAt: '2024-01-01T00:00:00Z',
        },
      ],
    });
    await assert.rejects(
      verification.module.receiver!.receive('verification.ledger', [message]),
      /event service down/,
    );
    const inbox = await sql<{ n: number }>`
      select count(*)::int as n from ledger.inbox where message_id = ${message.id}`.execute(
      app.platform.pool.db,
    );
    assert.equal(inbox.rows[0]!.n, 0, 'the message stays undelivered');
    assert.equal((await leavesOf(app, orgId)).length, 0);
  });

  test('a message without a valid organisation id is skipped and logged, not retried forever', async () => {
    const orgId = randomUUID();
    const bad = envelope('audit.set_deleted', {
      v: 1,
      orgId: 'not-an-org',
      actorId: null,
      setId: randomUUID(),
    });
    const good = envelope('audit.set_deleted', { v: 1, orgId, actorId: null, setId: randomUUID() });
    await app.services.verification!.module.receiver!.receive('verification.ledger', [bad, good]);
    assert.deepEqual(
      (await leavesOf(app, orgId)).map((l) => l.ref),
      [good.id],
    );
    assert.ok(app.logs.some((l) => l.includes(bad.id) && l.includes('"level":"error"')));
  });

  test('items added to and removed from audit sets are recorded as baseline requests', async () => {
    const orgId = randomUUID();
    const setId = randomUUID();
    const added = envelope('audit.item_added', {
      v: 1,
      orgId,
      actorId: null,
      setId,
      itemId: '111',
      itemType: 'file',
      rules: [],
      ownerBoxUserId: '999',
    });
    const removed = envelope('audit.item_removed', { v: 1, orgId, actorId: null, setId, itemId: '111' });
    const receiver = app.services.verification!.module.receiver!;
    await receiver.receive('verification.baseline', [added, removed]);
    await receiver.receive('verification.baseline', [added]);
    const rows = await sql<{ message_id: string; topic: string; item_id: string; processed_at: Date | null }>`
      select message_id, topic, item_id, processed_at from ledger.baseline_requests
      where org_id = ${orgId} order by requested_at, topic`.execute(app.platform.pool.db);
    assert.deepEqual(
      rows.rows.map((r) => [r.message_id, r.topic, r.item_id, r.processed_at]).sort(),
      [
        [added.id, 'audit.item_added', '111', null],
        [removed.id, 'audit.item_removed', '111', null],
      ].sort(),
    );
    // The same messages at the ledger subscriber are audit actions.
    await receiver.receive('verification.ledger', [added, removed]);
    assert.deepEqual(
      (await leavesOf(app, orgId)).map((l) => [l.kind, l.ref]),
      [
        ['audit_action', added.id],
        ['audit_action', removed.id],
      ],
    );
  });
});
