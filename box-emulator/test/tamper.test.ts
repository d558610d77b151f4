import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { call, ccgToken, startTestBox, type TestBox } from './helpers.ts';

describe('tampering changes Box behind everyone’s back', () => {
  let box: TestBox;
  let sa: string;
  before(async () => {
    box = await startTestBox();
    sa = await ccgToken(box);
  });
  after(() => box.close());

  const counts = () => ({
    enterprise: box.emulator.state.events().length,
    user: box.emulator.state.store.events.user.length,
  });

  async function asOwner(fileId: string, path: string) {
    const owner = box.emulator.state.file(fileId)!.ownerId;
    return call(box, 'GET', path, { token: sa, headers: { 'as-user': owner }, redirect: 'follow' });
  }

  test('change-content gives the current version new bytes and sha1, with no event and the same etag', async () => {
    const file = box.emulator.state.fileByPath('Compliance/ISO 27001/Risk Register.xlsx')!;
    const before = await asOwner(file.id, `/2.0/files/${file.id}?fields=sha1,etag,file_version`);
    const events = counts();
    const result = box.emulator.controls.tamper({ action: 'change-content', fileId: file.id });
    const afterwards = await asOwner(file.id, `/2.0/files/${file.id}?fields=sha1,etag,file_version`);
    assert.notEqual(afterwards.body.sha1, before.body.sha1);
    assert.equal(afterwards.body.sha1, result.sha1After);
    assert.equal(afterwards.body.etag, before.body.etag);
    assert.equal(afterwards.body.file_version.id, before.body.file_version.id);
    const bytes = await fetch(`${box.url}/2.0/files/${file.id}/content`, {
      headers: { authorization: `Bearer ${sa}`, 'as-user': file.ownerId },
    });
    assert.equal(
      createHash('sha1')
        .update(Buffer.from(await bytes.arrayBuffer()))
        .digest('hex'),
      afterwards.body.sha1,
    );
    const downloads = box.emulator.state.events().length - events.enterprise;
    assert.equal(downloads, 1, 'only the DOWNLOAD of the check itself');
    assert.equal(box.emulator.state.events().at(-1)!.event_type, 'DOWNLOAD');
  });

  test('delete-version removes a past version silently', async () => {
    const file = box.emulator.state.fileByPath('Compliance/SOX/Test Results Q1.xlsx')!;
    box.emulator.state.uploadNewVersion(file.id, 'v-extra');
    const past = file.versions[0]!;
    const events = counts();
    await call(box, 'POST', '/_emulator/tamper', {
      json: { action: 'delete-version', fileId: file.id, versionId: past.id },
    }).then((r) => assert.equal(r.status, 200));
    assert.deepEqual(counts(), events);
    const versions = await asOwner(file.id, `/2.0/files/${file.id}/versions`);
    assert.ok(!versions.body.entries.some((v: { id: string }) => v.id === past.id));
    assert.equal((await asOwner(file.id, `/2.0/files/${file.id}/versions/${past.id}`)).status, 404);
  });

  test('restore-version makes an old version current again silently', async () => {
    const file = box.emulator.state.fileByPath('Compliance/SOX/Deficiency Log.csv')!;
    box.emulator.state.uploadNewVersion(file.id, 'newer');
    const old = file.versions[0]!;
    const events = counts();
    box.emulator.controls.tamper({ action: 'restore-version', fileId: file.id, versionId: old.id });
    assert.deepEqual(counts(), events);
    const info = await asOwner(file.id, `/2.0/files/${file.id}?fields=sha1,file_version`);
    assert.equal(info.body.file_version.id, old.id);
    assert.equal(info.body.sha1, old.sha1);
    assert.equal(
      (
        await call(box, 'POST', '/_emulator/tamper', {
          json: { action: 'delete-version', fileId: file.id, versionId: old.id },
        })
      ).status,
      400,
    );
  });
});
