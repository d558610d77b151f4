import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findOperation, KNOWN_GAPS, validateBoxResponse, validateBoxSchema } from '../openapi-validator.ts';

const mini = { type: 'user', id: '1', name: 'A', login: 'a@example.com' };
const file = {
  type: 'file',
  id: '10',
  etag: '1',
  sequence_id: '1',
  name: 'a.pdf',
  sha1: 'a'.repeat(40),
  file_version: { type: 'file_version', id: '20', sha1: 'a'.repeat(40) },
  size: 5,
  path_collection: {
    total_count: 1,
    entries: [{ type: 'folder', id: '0', sequence_id: null, etag: null, name: 'All Files' }],
  },
  created_at: '2025-01-01T00:00:00+00:00',
  owned_by: mini,
  shared_link: null,
  parent: null,
  item_status: 'active',
};

describe('the OpenAPI response validator', () => {
  test('resolves concrete paths to the spec’s templates, literal segments first', () => {
    const cases: [string, string, string][] = [
      ['GET', '/2.0/users/me', 'GET /users/me'],
      ['GET', '/2.0/users/123', 'GET /users/{user_id}'],
      [
        'POST',
        'http://127.0.0.1:1234/2.0/files/9/versions/current?fields=sha1',
        'POST /files/{file_id}/versions/current',
      ],
      ['DELETE', '/2.0/files/9/versions/8', 'DELETE /files/{file_id}/versions/{file_version_id}'],
      ['POST', '/api/2.0/files/content', 'POST /files/content'],
      ['POST', '/api/2.0/files/9/content', 'POST /files/{file_id}/content'],
      ['POST', '/oauth2/token', 'POST /oauth2/token'],
      ['GET', '/api/oauth2/authorize?client_id=x', 'GET /authorize'],
      ['OPTIONS', '/2.0/events', 'OPTIONS /events'],
    ];
    for (const [method, path, name] of cases) assert.equal(findOperation(method, path)?.name, name, path);
    assert.match(
      validateBoxResponse({ method: 'GET', path: '/2.0/nothing/here', status: 200, body: {} }).errors[0]!,
      /no operation/,
    );
  });

  test('reports wrong types, enum values and missing required properties', () => {
    const res = validateBoxResponse({
      method: 'GET',
      path: '/2.0/files/10',
      status: 200,
      body: { ...file, size: '5', item_status: 'gone', id: undefined },
    });
    assert.equal(res.operation, 'GET /files/{file_id}');
    assert.ok(res.errors.some((e) => e.startsWith('/size must be integer')));
    assert.ok(res.errors.some((e) => e.includes('/item_status must be equal to one of the allowed values')));
    assert.ok(res.errors.some((e) => e.includes("required property 'id'")));
    assert.deepEqual(
      validateBoxResponse({ method: 'GET', path: '/2.0/files/10', status: 200, body: file }).errors,
      [],
    );
  });

  test('accepts null where Box marks a field nullable, including its allOf-with-nullable style', () => {
    assert.deepEqual(
      validateBoxSchema('File', { ...file, shared_link: null, parent: null, trashed_at: null }),
      [],
    );
    assert.ok(validateBoxSchema('File', { ...file, owned_by: null }).length > 0, 'owned_by is not nullable');
  });

  test('picks oneOf branches by type, then by item_type, like the SDK', () => {
    const events = (source: unknown) => ({
      chunk_size: 1,
      next_stream_position: '1152921504606846977',
      entries: [{ type: 'event', event_id: 'e', source }],
    });
    const ok = (source: unknown) =>
      validateBoxResponse({ method: 'GET', path: '/2.0/events', status: 200, body: events(source) }).errors;
    assert.deepEqual(ok(file), []);
    assert.deepEqual(
      ok({ item_type: 'file', item_id: '1', item_name: 'a.pdf', parent: null, owned_by: mini }),
      [],
    );
    assert.deepEqual(ok({ barrier_id: 5, anything: true }), [], 'generic sources');
    assert.ok(ok({ ...file, id: 10 }).some((e) => e.includes('/source/id must be string')));
    assert.ok(
      ok({ item_type: 'file', item_name: 'x' }).some((e) => e.includes("required property 'item_id'")),
    );
  });

  test('applies the documented known gaps and nothing else', () => {
    assert.ok(KNOWN_GAPS.length >= 4 && KNOWN_GAPS.every((g) => g.reason.length > 20));
    assert.deepEqual(
      validateBoxSchema('ClientError', {
        type: 'error',
        status: 404,
        code: 'trashed',
        message: 'Item is trashed',
        request_id: 'x',
      }),
      [],
    );
    assert.deepEqual(
      validateBoxSchema('Event', {
        type: 'event',
        event_type: 'SOMETHING_NEW',
        session_id: null,
        additional_details: null,
        ip_address: '1.2.3.4',
        action_by: null,
      }),
      [],
    );
    assert.ok(validateBoxSchema('ClientError', { type: 'error', status: 'x' }).length > 0);
  });

  test('checks bodies against the status: documented statuses, default for errors, empty where the spec has none', () => {
    assert.deepEqual(
      validateBoxResponse({ method: 'DELETE', path: '/2.0/files/1', status: 204, body: undefined }).errors,
      [],
    );
    assert.match(
      validateBoxResponse({ method: 'DELETE', path: '/2.0/files/1', status: 204, body: { a: 1 } }).errors[0]!,
      /no body/,
    );
    const err = validateBoxResponse({
      method: 'GET',
      path: '/2.0/files/1',
      status: 429,
      body: { type: 'error', status: 429, code: 'rate_limit_exceeded' },
    });
    assert.deepEqual(err.errors, []);
    const oauth = validateBoxResponse({
      method: 'POST',
      path: '/oauth2/token',
      status: 400,
      body: { error: 1 },
    });
    assert.ok(oauth.errors.some((e) => e.includes('/error must be string')));
  });
});
