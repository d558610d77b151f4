import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { conformance } from './conformance.ts';
import { ccgToken, startTestBox, type TestBox, uploadForm, userTokens } from './helpers.ts';

let box: TestBox;
before(async () => {
  box = await startTestBox();
});
after(() => box.close());

test('folder, upload, collaboration, event, webhook and error responses validate against Box’s OpenAPI document', async () => {
  const admin = await userTokens(box, 'admin@demo.example');
  const service = await ccgToken(box);
  const state = box.emulator.state;
  const file = state.fileByPath('Board/Minutes/2025/Minutes 2025-02.pdf')!;
  const folder = state.folderByPath('Board/Minutes')!;
  const { check, failures, missing } = conformance(box, admin.access_token);

  // Folders
  await check('GET', '/2.0/folders/0', 200);
  await check('GET', `/2.0/folders/${folder.id}`, 200);
  await check(
    'GET',
    `/2.0/folders/${folder.id}?fields=name,permissions,has_collaborations,sync_state,allowed_shared_link_access_levels`,
    200,
  );
  await check('GET', '/2.0/folders/0/items?limit=2', 200);
  await check('GET', `/2.0/folders/${folder.id}/items?fields=sha1,size,modified_at,name`, 200);
  await check('GET', `/2.0/folders/${folder.id}/items?usemarker=true&limit=1`, 200);
  await check('GET', `/2.0/folders/${folder.id}/items?offset=10000`, 400);
  const created = await check('POST', '/2.0/folders', 201, {
    json: { name: 'Conformance', parent: { id: folder.id } },
  });
  await check('POST', '/2.0/folders', 409, { json: { name: 'Conformance', parent: { id: folder.id } } });
  await check('PUT', `/2.0/folders/${created.body.id}`, 200, { json: { name: 'Conformance 2' } });

  // Uploads
  const uploaded = await check('POST', '/api/2.0/files/content', 201, {
    body: uploadForm({ name: 'up.txt', parent: { id: created.body.id } }, Buffer.from('hello')),
  });
  await check('POST', `/api/2.0/files/${uploaded.body.entries[0].id}/content`, 200, {
    body: uploadForm({ name: 'up.txt' }, Buffer.from('hello again')),
  });
  await check('POST', '/api/2.0/files/content', 400, {
    body: uploadForm({ name: 'late.txt', parent: { id: created.body.id } }, Buffer.from('x'), 'file-first'),
  });
  await check('DELETE', `/2.0/folders/${created.body.id}`, 400);
  await check('DELETE', `/2.0/folders/${created.body.id}?recursive=true`, 204);
  await check('POST', `/2.0/folders/${created.body.id}`, 201, { json: {} });

  // Collaborations
  await check('GET', `/2.0/folders/${folder.id}/collaborations`, 200);
  await check('GET', `/2.0/files/${file.id}/collaborations`, 200);
  const collab = await check('POST', '/2.0/collaborations', 201, {
    json: {
      item: { type: 'folder', id: folder.id },
      accessible_by: { type: 'user', login: 'kenji.mori@demo.example' },
      role: 'viewer',
    },
  });
  await check('POST', '/2.0/collaborations', 201, {
    json: {
      item: { type: 'file', id: file.id },
      accessible_by: { type: 'user', login: 'outside@partner.example' },
      role: 'viewer',
    },
  });
  await check('GET', `/2.0/collaborations/${collab.body.id}`, 200);
  await check('PUT', `/2.0/collaborations/${collab.body.id}`, 200, { json: { role: 'editor' } });
  await check('DELETE', `/2.0/collaborations/${collab.body.id}`, 204);

  // Events
  await check('GET', '/2.0/events', 200);
  await check('GET', '/2.0/events?stream_type=changes&limit=5', 200);
  await check('GET', '/2.0/events?stream_type=sync&stream_position=now', 200);
  await check('OPTIONS', '/2.0/events', 200);
  await check('GET', '/2.0/events?stream_type=admin_logs_streaming&limit=500', 200, { token: service });
  await check(
    'GET',
    '/2.0/events?stream_type=admin_logs&limit=500&event_type=UPLOAD,EDIT,DOWNLOAD,LOGIN,COLLABORATION_INVITE',
    200,
    { token: service },
  );
  await check(
    'GET',
    '/2.0/events?stream_type=admin_logs&created_after=2025-05-01T00:00:00Z&created_before=2025-05-02T00:00:00Z',
    200,
    { token: service },
  );
  await check('GET', '/2.0/events?stream_type=admin_logs', 403);

  // Webhooks
  const hook = await check('POST', '/2.0/webhooks', 201, {
    json: {
      target: { id: folder.id, type: 'folder' },
      address: 'https://example.com/hook',
      triggers: ['FILE.UPLOADED', 'FILE.PREVIEWED'],
    },
  });
  await check('POST', '/2.0/webhooks', 409, {
    json: {
      target: { id: folder.id, type: 'folder' },
      address: 'https://example.com/hook',
      triggers: ['FILE.UPLOADED'],
    },
  });
  await check('POST', '/2.0/webhooks', 400, {
    json: {
      target: { id: '0', type: 'folder' },
      address: 'https://example.com/hook',
      triggers: ['FILE.UPLOADED'],
    },
  });
  await check('GET', '/2.0/webhooks', 200);
  await check('GET', `/2.0/webhooks/${hook.body.id}`, 200);
  await check('PUT', `/2.0/webhooks/${hook.body.id}`, 200, { json: { triggers: ['FILE.DOWNLOADED'] } });
  await check('DELETE', `/2.0/webhooks/${hook.body.id}`, 204);

  // Errors
  await check('GET', '/2.0/files/1', 401, { token: 'not-a-token' });
  await check('GET', `/2.0/files/${file.id}`, 403, {
    headers: { 'as-user': state.user('user@demo.example').id },
  });
  box.emulator.controls.addFault({ kind: 'status', status: 429, retryAfter: 7, times: 1 });
  await check('GET', '/2.0/users/me', 429);
  box.emulator.controls.addFault({ kind: 'status', status: 503, times: 1 });
  await check('GET', '/2.0/users/me', 503);

  assert.deepEqual(failures, []);
  assert.deepEqual(
    missing([
      'GET /folders/{folder_id}',
      'GET /folders/{folder_id}/items',
      'POST /folders',
      'PUT /folders/{folder_id}',
      'POST /folders/{folder_id}',
      'DELETE /folders/{folder_id}',
      'POST /files/content',
      'POST /files/{file_id}/content',
      'GET /files/{file_id}/collaborations',
      'GET /folders/{folder_id}/collaborations',
      'POST /collaborations',
      'GET /collaborations/{collaboration_id}',
      'PUT /collaborations/{collaboration_id}',
      'DELETE /collaborations/{collaboration_id}',
      'GET /events',
      'OPTIONS /events',
      'POST /webhooks',
      'GET /webhooks',
      'GET /webhooks/{webhook_id}',
      'PUT /webhooks/{webhook_id}',
      'DELETE /webhooks/{webhook_id}',
    ]),
    [],
  );
});
