import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { call, ccgToken, startTestBox, type TestBox, userToken } from './helpers.ts';

describe('visibility and As-User, as Box enforces them', () => {
  let box: TestBox;
  let userTok: string;
  before(async () => {
    box = await startTestBox({
      apps: [
        { clientId: 'oauth-app', clientSecret: 'oauth-secret', kind: 'oauth', canActAsUser: false },
        { clientId: 'ccg-app', clientSecret: 'ccg-secret', kind: 'ccg', canActAsUser: true },
        {
          clientId: 'ccg-plain',
          clientSecret: 'ccg-plain-secret',
          kind: 'ccg',
          canActAsUser: false,
          scopes: ['root_readwrite'],
        },
      ],
    });
    userTok = await userToken(box, 'user@demo.example');
  });
  after(() => box.close());

  const state = () => box.emulator.state;
  const idOf = (login: string) => state().user(login).id;
  /** History renames and moves files, so tests pick any live file under a folder. */
  const fileUnder = (prefix: string) => state().fileUnder(prefix)!;

  test('a user sees what they own or collaborate on; folder collaborations cascade', async () => {
    const invoice = fileUnder('Finance/2025/');
    assert.equal((await call(box, 'GET', `/2.0/files/${invoice.id}`, { token: userTok })).status, 200);
    const board = state().folderByPath('Board/Minutes')!;
    const hidden = await call(box, 'GET', `/2.0/folders/${board.id}`, { token: userTok });
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.code, 'not_found');
    const root = await call(box, 'GET', '/2.0/folders/0/items?limit=1000', { token: userTok });
    const names = root.body.entries.map((e: { name: string }) => e.name);
    for (const expected of ['Projects', '2025', 'Engineering', 'Sales'])
      assert.ok(names.includes(expected), `root lists ${expected}`);
    assert.ok(!names.includes('Finance') && !names.includes('Board'));
  });

  test('path_collection starts at the highest folder the viewer can see', async () => {
    const invoice = fileUnder('Finance/2025/');
    const folders = state().pathOf(invoice).split('/').slice(0, -1);
    const asUser = await call(box, 'GET', `/2.0/files/${invoice.id}?fields=path_collection,parent`, {
      token: userTok,
    });
    assert.deepEqual(
      asUser.body.path_collection.entries.map((e: { name: string }) => e.name),
      ['All Files', ...folders.slice(1)],
    );
    const owner = await call(box, 'GET', `/2.0/files/${invoice.id}?fields=path_collection`, {
      token: await userToken(box, 'akiko.tanaka@demo.example'),
    });
    assert.deepEqual(
      owner.body.path_collection.entries.map((e: { name: string }) => e.name),
      ['All Files', ...folders],
    );
  });

  test('the CCG service account sees only its own items unless it sends As-User', async () => {
    const sa = await ccgToken(box);
    const minutes = state().fileByPath('Board/Minutes/2025/Minutes 2025-01.pdf')!;
    assert.equal((await call(box, 'GET', `/2.0/files/${minutes.id}`, { token: sa })).status, 404);
    assert.equal((await call(box, 'GET', '/2.0/folders/0/items', { token: sa })).body.total_count, 0);
    const asOwner = await call(box, 'GET', `/2.0/files/${minutes.id}`, {
      token: sa,
      headers: { 'as-user': minutes.ownerId },
    });
    assert.equal(asOwner.status, 200);
    const log = box.emulator.controls.requests({ pathPrefix: `/2.0/files/${minutes.id}` }).at(-1)!;
    assert.equal(log.asUserId, minutes.ownerId);
    assert.equal(log.clientId, 'ccg-app');
  });

  test('As-User needs an app allowed to act as users and an admin, co-admin or service account caller', async () => {
    const target = { 'as-user': idOf('akiko.tanaka@demo.example') };
    const byUser = await call(box, 'GET', '/2.0/users/me', { token: userTok, headers: target });
    assert.equal(byUser.status, 403);
    const adminOAuth = await userToken(box, 'admin@demo.example');
    assert.equal(
      (await call(box, 'GET', '/2.0/users/me', { token: adminOAuth, headers: target })).status,
      403,
      'the OAuth app may not act as users',
    );
    const plain = await ccgToken(box, undefined, box.emulator.apps.find((a) => a.clientId === 'ccg-plain')!);
    assert.equal((await call(box, 'GET', '/2.0/users/me', { token: plain, headers: target })).status, 403);
    const coadmin = await ccgToken(box, { type: 'user', id: idOf('coadmin@demo.example') });
    const asUser = await call(box, 'GET', '/2.0/users/me', { token: coadmin, headers: target });
    assert.equal(asUser.body.login, 'akiko.tanaka@demo.example');
    const asAdmin = await call(box, 'GET', '/2.0/users/me', {
      token: coadmin,
      headers: { 'as-user': idOf('admin@demo.example') },
    });
    assert.equal(asAdmin.status, 403, 'a co-admin cannot act as an admin');
    const regular = await ccgToken(box, { type: 'user', id: idOf('user@demo.example') });
    assert.equal((await call(box, 'GET', '/2.0/users/me', { token: regular, headers: target })).status, 403);
  });

  test('viewers read but cannot change; editors can', async () => {
    const spec = fileUnder('Engineering/');
    const denied = await call(box, 'PUT', `/2.0/files/${spec.id}`, {
      token: userTok,
      json: { name: 'Renamed by a viewer.md' },
    });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.code, 'access_denied_insufficient_permissions');
    const price = fileUnder('Sales/');
    const renamed = await call(box, 'PUT', `/2.0/files/${price.id}`, {
      token: userTok,
      json: { name: 'Edited by an editor.xlsx' },
    });
    assert.equal(renamed.status, 200);
    assert.equal(
      renamed.body.owned_by.login,
      'sofia.alvarez@demo.example',
      'content in a shared folder stays owned by the folder owner',
    );
  });

  test('enterprise events need an admin or the service account, through an app with manage_enterprise_properties', async () => {
    const path = '/2.0/events?stream_type=admin_logs_streaming&stream_position=now';
    assert.equal((await call(box, 'GET', path, { token: userTok })).status, 403);
    const adminOAuth = await call(box, 'GET', path, { token: await userToken(box, 'admin@demo.example') });
    assert.equal(adminOAuth.status, 403);
    assert.equal(adminOAuth.body.code, 'insufficient_scope');
    assert.equal(
      (
        await call(box, 'GET', path, {
          token: await ccgToken(box, { type: 'user', id: idOf('admin@demo.example') }),
        })
      ).status,
      200,
    );
    assert.equal(
      (
        await call(box, 'GET', path, {
          token: await ccgToken(box, { type: 'user', id: idOf('coadmin@demo.example') }),
        })
      ).status,
      403,
    );
    const sa = await ccgToken(box);
    assert.equal((await call(box, 'GET', path, { token: sa })).status, 200);
    assert.equal(
      (await call(box, 'GET', path, { token: sa, headers: { 'as-user': idOf('user@demo.example') } })).status,
      403,
    );
  });
});
