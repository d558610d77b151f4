/**
 * The gateway routes by a declared table of (method, path template) → service built from the
 * services' own route lists (architecture.md §1): a public route claimed by two services, or by no
 * known service, stops the table from being built.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RouteEntry } from '../../src/runtime/http-app.ts';
import { buildRouteTable, RouteConflictError } from '../../src/runtime/route-table.ts';

const route = (method: string, url: string, service: string): RouteEntry => ({
  method,
  url,
  service,
  auth: 'user',
  stream: false,
});

describe('the gateway route table', () => {
  test('routes are matched by method and template to their one owner, not by path prefix', () => {
    const table = buildRouteTable([
      route('GET', '/api/v1/users/:id', 'identity-service'),
      route('GET', '/api/v1/users/:id/sets', 'audit-service'),
      route('DELETE', '/api/v1/users/:id', 'identity-service'),
      route('GET', '/api/v1/files/:id', 'file-service'),
    ]);
    assert.deepEqual(table.match('GET', '/api/v1/users/42'), {
      template: '/api/v1/users/:id',
      service: 'identity-service',
    });
    assert.deepEqual(table.match('GET', '/api/v1/users/42/sets?limit=5'), {
      template: '/api/v1/users/:id/sets',
      service: 'audit-service',
    });
    assert.equal(table.match('POST', '/api/v1/files/1'), undefined, 'no route for that method');
    assert.equal(table.match('GET', '/api/v1/folders/1'), undefined);
  });

  test('a route claimed by two services stops the table, naming both', () => {
    assert.throws(
      () =>
        buildRouteTable([
          route('GET', '/api/v1/items/:itemId/events', 'event-service'),
          route('GET', '/api/v1/items/:itemId/events', 'audit-service'),
        ]),
      (err: Error) =>
        err instanceof RouteConflictError && /event-service and audit-service/.test(err.message),
    );
  });

  test('the same route with other parameter names is still the same route', () => {
    assert.throws(
      () =>
        buildRouteTable([
          route('GET', '/api/v1/files/:id/versions', 'file-service'),
          route('GET', '/api/v1/files/:fileId/versions', 'verification-service'),
        ]),
      RouteConflictError,
    );
  });

  test('a route that maps to no service (no owner, or one that is not a service) stops the table', () => {
    for (const owner of ['', 'gateway', 'billing-service']) {
      assert.throws(
        () =>
          buildRouteTable([
            route('GET', '/api/v1/me', 'identity-service'),
            route('GET', '/api/v1/orphan', owner),
          ]),
        (err: Error) => err instanceof RouteConflictError && /claimed by no service/.test(err.message),
        `owner "${owner}"`,
      );
    }
  });

  test('one service listing the same route twice (e.g. after a reload) is not a conflict', () => {
    const table = buildRouteTable([
      route('GET', '/api/v1/me', 'identity-service'),
      route('GET', '/api/v1/me', 'identity-service'),
    ]);
    assert.equal(table.match('GET', '/api/v1/me')?.service, 'identity-service');
  });
});
