import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { conformance } from './conformance.ts';
import { REDIRECT, startTestBox, type TestBox, userTokens } from './helpers.ts';

let box: TestBox;
before(async () => {
  box = await startTestBox();
});
after(() => box.close());

test('OAuth, users, files, versions and content responses validate against Box’s OpenAPI document', async () => {
  const admin = await userTokens(box, 'admin@demo.example');
  const state = box.emulator.state;
  const file = state.fileByPath('Board/Minutes/2025/Minutes 2025-02.pdf')!;
  const other = state.fileByPath('Board/Minutes/2025/Minutes 2025-03.pdf')!;
  const folder = state.folderByPath('Board/Minutes')!;
  state.uploadNewVersion(file.id, 'second version\n');
  state.uploadNewVersion(file.id, 'third version\n');
  const pastVersion = file.versions[0]!.id;
  const { check, failures, missing } = conformance(box, admin.access_token);

  // OAuth
  const { code } = box.emulator.controls.authorize({
    clientId: box.oauthApp.clientId,
    login: 'user@demo.example',
    redirectUri: REDIRECT,
  });
  const form = { client_id: box.oauthApp.clientId, client_secret: box.oauthApp.clientSecret };
  const tokens = await check('POST', '/oauth2/token', 200, {
    form: { ...form, grant_type: 'authorization_code', code },
    token: '',
  });
  await check('POST', '/oauth2/token', 200, {
    form: { ...form, grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token },
    token: '',
  });
  await check('POST', '/oauth2/token', 400, {
    form: { ...form, grant_type: 'authorization_code', code },
    token: '',
  });
  await check('POST', '/oauth2/token', 200, {
    form: {
      grant_type: 'client_credentials',
      client_id: box.ccg.clientId,
      client_secret: box.ccg.clientSecret,
      box_subject_type: 'enterprise',
      box_subject_id: box.emulator.enterprise.id,
    },
    token: '',
  });
  await check('POST', '/oauth2/revoke', 200, {
    form: { ...form, token: tokens.body.access_token },
    token: '',
  });
  await check(
    'GET',
    `/api/oauth2/authorize?response_type=code&client_id=${box.oauthApp.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}`,
    200,
  );

  // Users
  await check('GET', '/2.0/users/me', 200);
  await check('GET', '/2.0/users/me?fields=role,enterprise,is_platform_access_only,my_tags', 200);
  await check('GET', '/2.0/users?limit=3&offset=1', 200);
  await check('GET', '/2.0/users?usemarker=true&limit=5&filter_term=demo', 200);
  await check(
    'GET',
    `/2.0/users/${state.user('user@demo.example').id}?fields=role,enterprise,tracking_codes`,
    200,
  );
  await check('GET', '/2.0/users/1', 404);
  await check('GET', '/2.0/users', 403, { token: (await userTokens(box, 'user@demo.example')).access_token });

  // Files
  await check('GET', `/2.0/files/${file.id}`, 200);
  await check(
    'GET',
    `/2.0/files/${file.id}?fields=sha1,file_version,size,path_collection,owned_by,modified_by,item_status,version_number,permissions,extension,uploader_display_name,has_collaborations,lock,expires_at,watermark_info,allowed_invitee_roles,classification,disposition_at`,
    200,
  );
  await check('GET', '/2.0/files/123', 404);
  await check('PUT', `/2.0/files/${other.id}`, 200, {
    json: { name: 'Minutes 2025-03 (renamed).pdf', description: 'renamed' },
  });
  await check('PUT', `/2.0/files/${other.id}`, 409, { json: { name: 'Minutes 2025-01.pdf' } });
  await check('PUT', `/2.0/files/${other.id}`, 412, {
    json: { name: 'x.pdf' },
    headers: { 'if-match': '0' },
  });
  await check('POST', `/2.0/files/${other.id}/copy`, 201, {
    json: { parent: { id: folder.id }, name: 'Copied minutes.pdf' },
  });
  await check('DELETE', `/2.0/files/${other.id}`, 204);
  await check('GET', `/2.0/files/${other.id}`, 404);
  await check('GET', `/2.0/files/${other.id}/trash`, 200);
  await check('POST', `/2.0/files/${other.id}`, 201, { json: {} });
  await check('POST', `/2.0/files/${other.id}`, 404, { json: {} });

  // Versions
  await check('GET', `/2.0/files/${file.id}/versions`, 200);
  await check('GET', `/2.0/files/${file.id}/versions?limit=1&offset=1&fields=sha1,version_number`, 200);
  await check('GET', `/2.0/files/${file.id}/versions?offset=10000`, 400);
  await check('GET', `/2.0/files/${file.id}/versions/${pastVersion}`, 200);
  await check('POST', `/2.0/files/${file.id}/versions/current`, 201, {
    json: { type: 'file_version', id: pastVersion },
  });
  await check('DELETE', `/2.0/files/${file.id}/versions/${pastVersion}`, 204);
  await check('GET', `/2.0/files/${file.id}/versions/${pastVersion}`, 200);
  await check('PUT', `/2.0/files/${file.id}/versions/${pastVersion}`, 200, { json: { trashed_at: null } });

  // Content
  const redirect = await check('GET', `/2.0/files/${file.id}/content`, 302);
  assert.match(redirect.headers.get('location') ?? '', new RegExp(`^${box.url}/d/1/`));
  await check('GET', `/2.0/files/${file.id}/content?version=${pastVersion}`, 302);
  box.emulator.controls.addFault({
    kind: 'status',
    status: 202,
    retryAfter: 5,
    times: 1,
    match: { path: `/2.0/files/${file.id}/content` },
  });
  const notReady = await check('GET', `/2.0/files/${file.id}/content`, 202);
  assert.equal(notReady.headers.get('retry-after'), '5');

  assert.deepEqual(failures, []);
  assert.deepEqual(
    missing([
      'POST /oauth2/token',
      'POST /oauth2/revoke',
      'GET /authorize',
      'GET /users/me',
      'GET /users',
      'GET /users/{user_id}',
      'GET /files/{file_id}',
      'PUT /files/{file_id}',
      'DELETE /files/{file_id}',
      'POST /files/{file_id}',
      'GET /files/{file_id}/trash',
      'POST /files/{file_id}/copy',
      'GET /files/{file_id}/versions',
      'GET /files/{file_id}/versions/{file_version_id}',
      'POST /files/{file_id}/versions/current',
      'DELETE /files/{file_id}/versions/{file_version_id}',
      'PUT /files/{file_id}/versions/{file_version_id}',
      'GET /files/{file_id}/content',
    ]),
    [],
  );
});
