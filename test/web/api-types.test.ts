/**
 * web/src/api/schema.d.ts must be what scripts/generate-api-types.ts makes from the backend's current
 * OpenAPI document: a route or schema change without regenerating fails here (and the web app's
 * type-check then shows what the change breaks).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { OpenAPI3 } from 'openapi-typescript';
import {
  loadOpenApiDocument,
  readCommittedApiTypes,
  renderApiTypes,
} from '../../scripts/generate-api-types.ts';

let doc: OpenAPI3;
before(async () => {
  doc = await loadOpenApiDocument();
});

test('the committed API types match the backend OpenAPI document', async () => {
  assert.ok(doc.paths?.['/api/v1/me'], 'the OpenAPI document has no /api/v1/me: wrong app?');
  const fresh = await renderApiTypes(doc);
  const committed = readCommittedApiTypes();
  assert.ok(
    committed,
    'web/src/api/schema.d.ts is missing: run node --import tsx scripts/generate-api-types.ts',
  );
  if (committed !== fresh) {
    const a = committed.split('\n');
    const b = fresh.split('\n');
    const line = a.findIndex((l, i) => l !== b[i]);
    assert.fail(
      `web/src/api/schema.d.ts is stale (first difference at line ${line + 1}: ` +
        `committed ${JSON.stringify(a[line])}, fresh ${JSON.stringify(b[line])}). ` +
        'Run: node --import tsx scripts/generate-api-types.ts',
    );
  }
});

test('the renderer reflects the document (a changed schema gives different types)', async () => {
  const base = await renderApiTypes(doc);
  const changed = structuredClone(doc);
  changed.paths!['/api/v1/web-test-only'] = {
    get: { responses: { 200: { description: 'probe' } } },
  };
  assert.notEqual(await renderApiTypes(changed), base);
});
