/**
 * The comparison rules of F6.4 (file-comparison.ts), one by one, on hand-made inputs: which state of
 * Box against which records and events gives INTACT, CHANGED, TAMPERED or PENDING, with which reason.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ComparisonInput, compareFile } from '../../src/services/verification/file-comparison.ts';
import type {
  BoxVersionState,
  FileEventFact,
  RecordedVersion,
} from '../../src/services/verification/verification-types.ts';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function version(id: string, n: number, o: Partial<BoxVersionState> = {}): BoxVersionState {
  return {
    versionId: id,
    sha1: `sha-${id}`,
    size: 10,
    versionNumber: String(n),
    createdAt: at(n),
    trashedAt: null,
    current: false,
    ...o,
  };
}

let leaf = 0;
function recorded(id: string, o: Partial<RecordedVersion> = {}): RecordedVersion {
  leaf++;
  return {
    leafIndex: leaf,
    observationId: `obs-${leaf}`,
    fileId: 'F',
    versionId: id,
    sha1: `sha-${id}`,
    size: 10,
    modifiedAt: null,
    observedAt: at(0),
    source: 'baseline',
    ...o,
  };
}

function event(type: string, versionId: string | null, o: Partial<FileEventFact> = {}): FileEventFact {
  return {
    eventId: `ev-${type}-${versionId}`,
    type,
    createdAt: at(30),
    versionId,
    sha1: null,
    leafIndex: 900,
    ...o,
  };
}

/** Box shows v1, v2 (current); the baseline recorded both. */
function input(
  o: Partial<ComparisonInput> & { versions?: BoxVersionState[]; records?: RecordedVersion[] } = {},
) {
  const versions = o.versions ?? [version('v2', 2, { current: true }), version('v1', 1)];
  const records = o.records ?? [recorded('v1'), recorded('v2')];
  const byVersion = (list: RecordedVersion[]) => {
    const m = new Map<string, RecordedVersion>();
    for (const r of [...list].sort((a, b) => a.leafIndex - b.leafIndex))
      if (!m.has(r.versionId)) m.set(r.versionId, r);
    return m;
  };
  return compareFile({
    box: {
      readAs: 'owner',
      observedAt: at(60),
      status: 'active',
      name: 'f',
      versions,
      observationIds: [],
    },
    firstAny: o.firstAny ?? byVersion(records),
    firstRecording: o.firstRecording ?? byVersion(records.filter((r) => r.source !== 'verification')),
    reference: o.reference ?? new Set(['v1', 'v2']),
    events: o.events ?? [],
    watermark: o.watermark === undefined ? new Date(at(120)) : o.watermark,
    ...(o.seenSince ? { seenSince: o.seenSince } : {}),
  });
}
const codes = (o: ReturnType<typeof compareFile>) => o.reasons.map((r) => r.code);

describe('comparing Box with the ledger (F6.4)', () => {
  test('every version recorded, nothing missing: INTACT', () => {
    const o = input();
    assert.equal(o.result, 'INTACT');
    assert.deepEqual(codes(o), ['MATCHES_RECORDS']);
    assert.equal(o.usedLeaves.length, 2);
  });

  test("a recorded version's hash differs: TAMPERED at once, whatever the watermark", () => {
    const o = input({
      versions: [version('v2', 2, { current: true, sha1: 'other' }), version('v1', 1)],
      watermark: null,
    });
    assert.equal(o.result, 'TAMPERED');
    assert.deepEqual(codes(o), ['VERSION_HASH_CHANGED']);
    assert.equal(o.reasons[0]!.recordedSha1, 'sha-v2');
    assert.equal(o.reasons[0]!.boxSha1, 'other');
  });

  test('the first record of a version decides: a later record of other bytes does not launder them', () => {
    const o = input({
      versions: [version('v2', 2, { current: true, sha1: 'forged' }), version('v1', 1)],
      records: [recorded('v1'), recorded('v2'), recorded('v2', { sha1: 'forged', source: 'enrichment' })],
    });
    assert.equal(o.result, 'TAMPERED');
  });

  test('a new version recorded by enrichment: CHANGED (VERSION_ADDED)', () => {
    const o = input({
      versions: [version('v3', 3, { current: true }), version('v2', 2), version('v1', 1)],
      records: [recorded('v1'), recorded('v2'), recorded('v3', { source: 'enrichment' })],
    });
    assert.equal(o.result, 'CHANGED');
    assert.deepEqual(codes(o), ['VERSION_ADDED']);
  });

  test('a new version only a recorded event names: CHANGED; its event not in the ledger yet: PENDING', () => {
    const versions = [version('v3', 3, { current: true }), version('v2', 2), version('v1', 1)];
    const changed = input({ versions, events: [event('EDIT', 'v3', { sha1: 'sha-v3' })] });
    assert.equal(changed.result, 'CHANGED');
    assert.equal(changed.reasons[0]!.eventId, 'ev-EDIT-v3');
    const pending = input({ versions, events: [event('EDIT', 'v3', { leafIndex: null })] });
    assert.equal(pending.result, 'PENDING');
    assert.deepEqual(codes(pending), ['EVENT_NOT_IN_LEDGER_YET']);
    assert.equal(pending.pendingUntil, null, 'nothing to wait for but the ledger');
    const forged = input({ versions, events: [event('EDIT', 'v3', { sha1: 'not-v3' })] });
    assert.equal(forged.result, 'TAMPERED');
    assert.deepEqual(codes(forged), ['VERSION_HASH_CHANGED']);
  });

  test('an event without a version id accounts for a version within two minutes of it, once', () => {
    const versions = [
      version('v4', 4, { current: true }),
      version('v3', 3),
      version('v2', 2),
      version('v1', 1),
    ];
    const near = [event('EDIT', null, { eventId: 'e1', createdAt: at(3) })];
    const o = input({ versions, events: near, watermark: new Date(at(120)) });
    assert.equal(o.result, 'TAMPERED', 'one event cannot account for two versions');
    assert.ok(o.reasons.some((r) => r.code === 'VERSION_ADDED' && r.eventId === 'e1'));
    assert.ok(o.reasons.some((r) => r.code === 'CONTENT_NOT_RECORDED'));
  });

  test('content never recorded: PENDING while newer than the watermark, TAMPERED once ingestion is past it', () => {
    const versions = [
      version('v3', 90, { current: true, createdAt: at(90) }),
      version('v2', 2),
      version('v1', 1),
    ];
    const early = input({ versions, watermark: new Date(at(80)) });
    assert.equal(early.result, 'PENDING');
    assert.deepEqual(codes(early), ['VERSION_NEWER_THAN_WATERMARK']);
    assert.equal(early.pendingUntil?.toISOString(), at(90));
    const none = input({ versions, watermark: null });
    assert.deepEqual(codes(none), ['INGESTION_NOT_STARTED']);
    const late = input({ versions, watermark: new Date(at(95)) });
    assert.equal(late.result, 'TAMPERED');
    assert.deepEqual(codes(late), ['CONTENT_NOT_RECORDED']);
  });

  test('a version seen only by a verification is not a record: it needs an event', () => {
    const versions = [version('v3', 3, { current: true }), version('v2', 2), version('v1', 1)];
    const records = [recorded('v1'), recorded('v2'), recorded('v3', { source: 'verification' })];
    assert.equal(input({ versions, records }).result, 'TAMPERED');
    assert.equal(input({ versions, records, events: [event('UPLOAD', 'v3')] }).result, 'CHANGED');
  });

  test('a recorded version gone: CHANGED with its DELETE event, else PENDING until the watermark passes the read, then TAMPERED', () => {
    const versions = [version('v2', 2, { current: true })];
    const deleted = input({ versions, events: [event('DELETE', 'v1')] });
    assert.equal(deleted.result, 'CHANGED');
    assert.deepEqual(codes(deleted), ['VERSION_DELETED']);

    const waiting = input({ versions, watermark: new Date(at(59)) });
    assert.equal(waiting.result, 'PENDING');
    assert.deepEqual(codes(waiting), ['VERSION_REMOVAL_AWAITING_EVENTS']);
    assert.equal(waiting.pendingUntil?.toISOString(), at(60), 'Box was read at 60');
    assert.deepEqual(waiting.seenSince, { 'VERSION_REMOVED:v1': at(60) });

    const judged = input({ versions, watermark: new Date(at(60)) });
    assert.equal(judged.result, 'TAMPERED');
    assert.deepEqual(codes(judged), ['VERSION_REMOVED']);

    // A re-check read Box later, but the version was already missing at 60.
    const recheck = input({
      versions,
      watermark: new Date(at(61)),
      seenSince: { 'VERSION_REMOVED:v1': at(30) },
    });
    assert.equal(recheck.reasons[0]!.at, at(30));
    assert.equal(recheck.result, 'TAMPERED');
  });

  test('an old version made current without a new version: TAMPERED, unless a restore event names it', () => {
    const versions = [version('v1', 1, { current: true }), version('v2', 2)];
    const o = input({ versions });
    assert.equal(o.result, 'TAMPERED');
    assert.deepEqual(codes(o), ['CURRENT_VERSION_ROLLED_BACK']);
    assert.equal(input({ versions, events: [event('FILE_VERSION_RESTORE', 'v1')] }).result, 'INTACT');
  });

  test('a version in the trash is a change, with its event when one was recorded', () => {
    const versions = [version('v2', 2, { current: true }), version('v1', 1, { trashedAt: at(40) })];
    const o = input({ versions, events: [event('DELETE', 'v1')] });
    assert.equal(o.result, 'CHANGED');
    assert.deepEqual(codes(o), ['VERSION_TRASHED']);
    assert.equal(o.reasons[0]!.eventId, 'ev-DELETE-v1');
  });

  test('TAMPERED outranks PENDING, which outranks CHANGED', () => {
    const versions = [
      version('v4', 90, { current: true, createdAt: at(90) }),
      version('v3', 3),
      version('v2', 2, { sha1: 'forged' }),
      version('v1', 1),
    ];
    const o = input({ versions, events: [event('EDIT', 'v3')], watermark: new Date(at(80)) });
    assert.deepEqual(codes(o).sort(), [
      'VERSION_ADDED',
      'VERSION_HASH_CHANGED',
      'VERSION_NEWER_THAN_WATERMARK',
    ]);
    assert.equal(o.result, 'TAMPERED');
  });
});
