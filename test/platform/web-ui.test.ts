/**
 * The gateway serves the built web app (web/dist): hashed assets with long cache lifetimes, and
 * index.html for client-side routes, while API, ops and unknown paths keep their JSON answers. Every
 * route still declares its auth requirement (the platform refuses routes that do not).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type App, createHttpServer } from '../../src/platform/http/server.ts';
import { createMemoryLogger } from '../../src/platform/logging.ts';
import { createMetrics } from '../../src/platform/metrics.ts';
import { registerWebUi } from '../../src/runtime/web-ui.ts';

describe('the web app from the gateway', () => {
  const dist = mkdtempSync(join(tmpdir(), 'auditor-web-'));
  let app: App;

  before(async () => {
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Auditor for Box</title>');
    writeFileSync(join(dist, 'assets', 'app-1a2b3c.js'), 'console.log("app")');
    writeFileSync(join(dist, 'favicon.svg'), '<svg/>');
    app = await createHttpServer({
      processName: 'gateway',
      logger: createMemoryLogger('gateway').logger,
      metrics: createMetrics(['gateway']),
      bodyLimit: 1_048_576,
      corsOrigin: 'http://auditor.test',
      rateLimitPerMinute: 1000,
      trustProxy: false,
      title: 'test',
    });
    assert.equal(await registerWebUi(app, dist), true);
    await app.ready();
  });
  after(async () => {
    await app?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  test('the built app registers: every one of its routes declares public access', async () => {
    const res = await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<title>Auditor for Box<\/title>/);
    assert.equal(res.headers['cache-control'], 'no-cache');
  });

  test('hashed assets are served with a year-long immutable cache lifetime', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/app-1a2b3c.js' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'console.log("app")');
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    assert.equal(icon.statusCode, 200);
  });

  test('client-side routes get index.html; API paths and non-HTML requests get the JSON 404', async () => {
    const page = await app.inject({ method: 'GET', url: '/audit-sets/42', headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<title>/);
    const api = await app.inject({ method: 'GET', url: '/api/v1/nothing', headers: { accept: 'text/html' } });
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().error.code, 'ROUTE_NOT_FOUND');
    const json = await app.inject({
      method: 'GET',
      url: '/audit-sets/42',
      headers: { accept: 'application/json' },
    });
    assert.equal(json.statusCode, 404);
  });

  test('nothing outside the build directory is served', async () => {
    for (const url of [
      '/assets/../../etc/passwd',
      '/assets/%2e%2e/%2e%2e/etc/passwd',
      '/assets/missing.js',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      assert.notEqual(res.statusCode, 200, url);
      assert.ok(!res.body.includes('root:'), url);
    }
  });
});
