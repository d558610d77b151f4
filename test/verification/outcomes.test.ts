/**
 * File verification outcomes (product.md F6.4) against the local Box, through the API: untouched
 * files are INTACT; the emulator's silent tampering (changed bytes, a deleted version, an old version
 * made current) is TAMPERED with evidence; normal edits are CHANGED; an edit verified before
 * ingestion has caught up is PENDING and then CHANGED, never TAMPERED; Box failing is UNVERIFIABLE;
 * files outside every set are NOT_MONITORED; trashed files are DELETED with their event.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import {
  createNoteVerifier,
  leafHash,
  openCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '../../src/ledger/index.ts';
import type { FileVerificationDto } from '../../src/services/verification/verification-schemas.ts';
import { createAuditSet, db } from '../files/file-support.ts';
import {
  catchUp,
  counter,
  fileId,
  folderId,
  ingest,
  pastVersionOf,
  recheck,
  recordBaselines,
  startVerifyEnv,
  tokenOf,
  type VerifyEnv,
  verifyFile,
} from './verification-support.ts';

const MINUTES = 'Board/Minutes/2025/Minutes 2025-01.pdf';
const ISO = 'Compliance/ISO 27001';

describe('verifying a file: the outcomes of F6.4', () => {
  let e: VerifyEnv;
  let setId: string;
  let admin: string;
  const asAdmin = async () => {
    admin = await tokenOf(e, 'admin');
    return admin;
  };
  const reasonCodes = (v: FileVerificationDto) => v.reasons.map((r) => r.code);

  /** Every leaf of the evidence hashes to its hash and is proven into a checkpoint signed by the log. */
  async function assertEvidence(v: FileVerificationDto) {
    const ledger = v.evidence.ledger;
    assert.ok(ledger, 'the result carries ledger evidence');
    const keys = await e.app.services.verification!.client.publicKeys();
    const { checkpoint } = openCheckpoint(
      ledger.checkpoint.note,
      [createNoteVerifier(keys.log)],
      ledger.origin,
    );
    assert.equal(checkpoint.treeSize, ledger.checkpoint.treeSize);
    assert.equal(checkpoint.rootHash.toString('base64'), ledger.checkpoint.rootHash);
    assert.ok(ledger.leaves.length > 0);
    for (const leaf of ledger.leaves) {
      assert.equal(leafHash(Buffer.from(leaf.data, 'utf8')).toString('base64'), leaf.leafHash);
      verifyInclusion({
        index: leaf.index,
        treeSize: checkpoint.treeSize,
        leafHash: leaf.leafHash,
        proof: leaf.proof,
        root: checkpoint.rootHash,
      });
    }
    if (ledger.witnessed)
      verifyConsistency({
        size1: ledger.witnessed.treeSize,
        size2: checkpoint.treeSize,
        root1: openCheckpoint(ledger.witnessed.note, [createNoteVerifier(keys.log)]).checkpoint.rootHash,
        root2: checkpoint.rootHash,
        proof: ledger.witnessed.consistencyProof,
      });
    for (const r of v.evidence.recorded)
      assert.ok(
        ledger.leaves.some((l) => l.index === r.leafIndex),
        `recorded leaf ${r.leafIndex} is proven`,
      );
  }

  before(async () => {
    e = await startVerifyEnv();
    admin = e.cast.admin.token;
    setId = await createAuditSet(e.app, admin, {
      name: 'Outcomes',
      collaborators: [{ userId: e.cast.auditor.userId, role: 'REVIEWER' }],
      items: [
        { itemId: folderId(e, ISO), type: 'folder' },
        { itemId: folderId(e, 'Compliance/SOX'), type: 'folder' },
        { itemId: fileId(e, MINUTES), type: 'file' },
      ],
    });
    await recordBaselines(e);
    await ingest(e);
  });
  after(() => e?.stop());
  beforeEach(async () => {
    await asAdmin();
  });

  test('adding items records their baselines in the ledger and makes them MONITORED', async () => {
    const items = await e.app.api.get(`/api/v1/audit-sets/${setId}/items`, admin);
    assert.equal(items.statusCode, 200, items.body);
    const list = items.json().items as { itemId: string; status: string; filesInBaseline: number | null }[];
    assert.equal(list.length, 3);
    assert.ok(
      list.every((i) => i.status === 'MONITORED'),
      JSON.stringify(list),
    );
    const res = await sql<{ n: number }>`
      select count(*)::int as n from ledger.file_versions where source = 'baseline'`.execute(db(e.app));
    assert.ok(res.rows[0]!.n > 10, 'every version of every allowed file is a baseline leaf');
  });

  test('a file added to a set and never edited is INTACT, with its evidence', async () => {
    const v = await verifyFile(e, admin, fileId(e, MINUTES));
    assert.equal(v.result, 'INTACT', JSON.stringify(v.reasons));
    assert.deepEqual(reasonCodes(v), ['MATCHES_RECORDS']);
    const box = e.box.emulator.state.file(fileId(e, MINUTES))!;
    assert.equal(v.evidence.box?.versions.length, box.versions.length, "Box's full version list");
    assert.equal(v.evidence.box?.versions[0]?.current, true);
    assert.equal(v.evidence.reference?.source, 'baseline');
    await assertEvidence(v);
    // A file inside a monitored folder too.
    const inFolder = await verifyFile(e, admin, fileId(e, `${ISO}/Risk Register.xlsx`));
    assert.equal(inFolder.result, 'INTACT', JSON.stringify(inFolder.reasons));
  });

  test('bytes changed silently: TAMPERED, counted, logged, and the set owner is emailed', async () => {
    const id = fileId(e, `${ISO}/Internal Audit Report.pdf`);
    const before = await counter(e.app, 'auditor_tamper_detected_total');
    const counted = await counter(e.app, 'auditor_verifications_total', { result: 'TAMPERED' });
    e.box.emulator.controls.tamper({ action: 'change-content', fileId: id });
    const v = await verifyFile(e, admin, id);
    assert.equal(v.result, 'TAMPERED', JSON.stringify(v.reasons));
    const reason = v.reasons.find((r) => r.code === 'VERSION_HASH_CHANGED')!;
    assert.ok(reason, JSON.stringify(v.reasons));
    assert.equal(reason.boxSha1, e.box.emulator.state.currentVersion(id).sha1);
    assert.notEqual(reason.recordedSha1, reason.boxSha1);
    await assertEvidence(v);
    assert.ok(
      v.evidence.ledger!.leaves.some((l) => l.index === reason.leafIndex),
      'the baseline leaf is proven',
    );
    assert.equal(await counter(e.app, 'auditor_tamper_detected_total'), before + 1);
    assert.equal(await counter(e.app, 'auditor_verifications_total', { result: 'TAMPERED' }), counted + 1);
    assert.ok(
      e.app.logs.some((l) => l.includes('"level":50') && l.includes('tampering detected')) ||
        e.app.logs.some((l) => l.includes('tampering detected') && l.includes('error')),
    );
    await e.app.drainOutboxes();
    const mail = await sql<{ recipient: string; subject: string }>`
      select recipient, subject from identity.emails order by created_at`.execute(db(e.app));
    assert.ok(
      mail.rows.some((m) => m.recipient === 'admin@demo.example' && m.subject.includes('Tampering detected')),
      JSON.stringify(mail.rows),
    );
    // The audit service shows the status.
    const status = await sql<{ last_result: string }>`
      select last_result from audit.file_status where file_id = ${id}`.execute(db(e.app));
    assert.equal(status.rows[0]?.last_result, 'TAMPERED');
  });

  test('a past version deleted silently: PENDING until ingestion is past the read, then TAMPERED', async () => {
    const id = fileId(e, `${ISO}/Statement of Applicability.xlsx`);
    const versionId = pastVersionOf(e, id);
    e.box.emulator.controls.tamper({ action: 'delete-version', fileId: id, versionId });
    const first = await verifyFile(e, admin, id);
    assert.equal(first.result, 'PENDING', JSON.stringify(first.reasons));
    assert.deepEqual(reasonCodes(first), ['VERSION_REMOVAL_AWAITING_EVENTS']);
    assert.ok(first.nextCheckAt);

    await catchUp(e);
    assert.ok((await recheck(e)) >= 1);
    await asAdmin();
    const original = (
      await e.app.api.get(`/api/v1/verifications/${first.id}`, admin)
    ).json() as FileVerificationDto;
    assert.ok(original.supersededBy, 'the re-check superseded the PENDING result');
    const second = (
      await e.app.api.get(`/api/v1/verifications/${original.supersededBy}`, admin)
    ).json() as FileVerificationDto;
    assert.equal(second.result, 'TAMPERED', JSON.stringify(second.reasons));
    assert.equal(second.recheckOf, first.id);
    const reason = second.reasons.find((r) => r.code === 'VERSION_REMOVED')!;
    assert.equal(reason.versionId, versionId);
    assert.equal(reason.at, first.evidence.box!.observedAt, 'judged from the first read that missed it');
    await assertEvidence(second);
  });

  test('an old version restored silently: TAMPERED (the current version is older than another)', async () => {
    const id = fileId(e, 'Compliance/SOX/Controls Matrix.xlsx');
    e.box.emulator.controls.tamper({
      action: 'restore-version',
      fileId: id,
      versionId: pastVersionOf(e, id),
    });
    const v = await verifyFile(e, admin, id);
    assert.equal(v.result, 'TAMPERED', JSON.stringify(v.reasons));
    assert.ok(reasonCodes(v).includes('CURRENT_VERSION_ROLLED_BACK'));
  });

  test('a normal edit, ingested and enriched: CHANGED, with the recorded version', async () => {
    const id = fileId(e, `${ISO}/Risk Register.xlsx`);
    const version = e.box.emulator.state.uploadNewVersion(id, 'risk register, reviewed\n', {
      login: 'admin@demo.example',
    });
    await catchUp(e);
    const v = await verifyFile(e, admin, id);
    assert.equal(v.result, 'CHANGED', JSON.stringify(v.reasons));
    const added = v.reasons.find((r) => r.code === 'VERSION_ADDED')!;
    assert.equal(added.versionId, version.id);
    assert.ok(added.leafIndex !== null, 'the new version is a recorded leaf');
    await assertEvidence(v);
  });

  test('an edit verified before ingestion caught up: PENDING, then CHANGED — never TAMPERED', async () => {
    const id = fileId(e, 'Compliance/SOX/Test Results Q1.xlsx');
    const version = e.box.emulator.state.uploadNewVersion(id, 'q1 results, corrected\n', {
      login: 'admin@demo.example',
    });
    e.box.clock.advance(1000);
    const first = await verifyFile(e, admin, id);
    assert.equal(first.result, 'PENDING', JSON.stringify(first.reasons));
    const pending = first.reasons.find((r) => r.code === 'VERSION_NEWER_THAN_WATERMARK')!;
    assert.equal(pending.versionId, version.id);
    // Nothing happens until ingestion passes the version.
    assert.equal(await recheck(e), 0);
    await catchUp(e);
    assert.ok((await recheck(e)) >= 1);
    await asAdmin();
    const history = await e.app.api.get(`/api/v1/files/${id}/verifications`, admin);
    const results = (history.json().items as FileVerificationDto[]).map((x) => x.result);
    assert.deepEqual(results, ['CHANGED', 'PENDING']);
    const latest = (
      await e.app.api.get(`/api/v1/verifications/${history.json().items[0].id}`, admin)
    ).json() as FileVerificationDto;
    assert.ok(latest.reasons.some((r) => r.code === 'VERSION_ADDED' && r.versionId === version.id));
  });

  test('Box unavailable: UNVERIFIABLE (never TAMPERED), retried until it answers', async () => {
    const id = fileId(e, `${ISO}/Risk Register.xlsx`);
    e.box.emulator.controls.addFault({
      kind: 'status',
      status: 503,
      times: 1000,
      match: { path: `/2.0/files/${id}` },
    });
    const v = await verifyFile(e, admin, id);
    e.box.emulator.controls.clearFaults();
    assert.equal(v.result, 'UNVERIFIABLE', JSON.stringify(v.reasons));
    assert.deepEqual(reasonCodes(v), ['BOX_UNAVAILABLE']);
    assert.ok(v.nextCheckAt, 'it is retried');
    assert.ok((await recheck(e)) >= 1);
    await asAdmin();
    const history = (await e.app.api.get(`/api/v1/files/${id}/verifications?limit=1`, admin)).json();
    assert.equal(history.items[0].recheckOf, v.id);
    assert.equal(history.items[0].result, 'CHANGED');
  });

  test('a file no audit set monitors: NOT_MONITORED, without reading Box', async () => {
    const hr = e.box.emulator.state.fileUnder('HR/')!;
    const v = await verifyFile(e, admin, hr.id);
    assert.equal(v.result, 'NOT_MONITORED');
    assert.deepEqual(reasonCodes(v), ['NOT_IN_ANY_SET']);
    assert.equal(v.evidence.box, null);
  });

  test('a trashed file: DELETED, with the event that recorded it', async () => {
    const id = fileId(e, `${ISO}/Summary 2026-02-23 63e8.pdf`);
    e.box.emulator.state.trash(id, { login: 'admin@demo.example' });
    await catchUp(e);
    const v = await verifyFile(e, admin, id);
    assert.equal(v.result, 'DELETED', JSON.stringify(v.reasons));
    assert.equal(v.reasons[0]?.code, 'FILE_TRASHED');
    assert.ok(v.reasons[0]?.eventId, 'the DELETE event that recorded it');
    assert.ok(v.evidence.ledger?.leaves.some((l) => l.kind === 'box_event'));
  });

  test('who may verify: collaborators through the set, audit admins; nobody else sees the file', async () => {
    const id = fileId(e, MINUTES);
    const auditor = await tokenOf(e, 'auditor');
    const user = await tokenOf(e, 'user');
    const asAuditor = await e.app.api.post(`/api/v1/files/${id}/verifications`, {}, auditor);
    assert.equal(asAuditor.statusCode, 201, asAuditor.body);
    const viaSet = await e.app.api.post(`/api/v1/files/${id}/verifications`, { setId }, auditor);
    assert.equal(viaSet.statusCode, 201, viaSet.body);
    assert.equal(viaSet.json().setId, setId);
    const outside = e.box.emulator.state.fileUnder('HR/')!.id;
    assert.equal(
      (await e.app.api.post(`/api/v1/files/${outside}/verifications`, {}, auditor)).statusCode,
      404,
    );
    assert.equal((await e.app.api.post(`/api/v1/files/${id}/verifications`, {}, user)).statusCode, 404);
    // Results: readable by who may see the file, not by others.
    const rid = asAuditor.json().id as string;
    assert.equal((await e.app.api.get(`/api/v1/verifications/${rid}`, auditor)).statusCode, 200);
    assert.equal((await e.app.api.get(`/api/v1/verifications/${rid}`, user)).statusCode, 404);
    assert.equal((await e.app.api.get(`/api/v1/verifications/${rid}`)).statusCode, 401);
  });

  test('history is paged, newest first', async () => {
    const id = fileId(e, MINUTES);
    const page1 = (await e.app.api.get(`/api/v1/files/${id}/verifications?limit=2`, admin)).json();
    assert.equal(page1.items.length, 2);
    assert.ok(page1.nextCursor);
    const page2 = (
      await e.app.api.get(`/api/v1/files/${id}/verifications?limit=2&cursor=${page1.nextCursor}`, admin)
    ).json();
    assert.ok(page2.items.length >= 1);
    const all = [...page1.items, ...page2.items] as FileVerificationDto[];
    assert.equal(new Set(all.map((x) => x.id)).size, all.length);
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.startedAt >= all[i]!.startedAt);
  });

  test('the ledger unreadable (a leaf edited in the database): UNVERIFIABLE, never TAMPERED, logged', async () => {
    const id = fileId(e, 'Compliance/SOX/Deficiency Log.csv');
    await sql`update ledger.leaves set data = replace(data, '"source":"baseline"', '"source":"enrichment"')
              where kind = 'file_version' and leaf_index = (
                select min(leaf_index) from ledger.file_versions where file_id = ${id})`.execute(db(e.app));
    const v = await verifyFile(e, admin, id);
    assert.equal(v.result, 'UNVERIFIABLE', JSON.stringify(v.reasons));
    assert.deepEqual(reasonCodes(v), ['LEDGER_UNREADABLE']);
    assert.match(v.evidence.error ?? '', /do not hash to its leaf hash/);
    assert.ok(
      e.app.logs.some((l) => l.includes('the ledger could not be read') && l.includes('"level":"error"')),
    );
  });
});
