/**
 * Distributed mode (architecture.md §1, §8): the five services each in their own server with their
 * own database login (granted their own schema only), and the gateway in front routing by the
 * services' declared route tables. A request through the gateway reaches identity over HTTP and its
 * trace id appears in both processes' logs; every service serves /health/ready and /metrics; messages
 * travel over HTTP through the outbox relay; identity's login cannot read another service's schema.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../../src/platform/config.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { createServiceLogin } from '../../src/platform/db/service-roles.ts';
import { PROCESS_NAMES, SERVICES, type ServiceName } from '../../src/platform/service-names.ts';
import { type RunningGateway, startGateway } from '../../src/runtime/gateway.ts';
import { type RunningService, startServiceProcess } from '../../src/runtime/service-process.ts';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/database.ts';
import { contractProblems } from '../support/metrics-contract.ts';
import { freePort } from '../support/pg-cluster.ts';
import { TEST_PASSWORD, testEnv } from '../support/test-app.ts';

interface Captured {
  lines: string[];
  json(): Record<string, unknown>[];
}
function capture(): Captured & { write(line: string): void } {
  const lines: string[] = [];
  return {
    lines,
    write: (line: string) => void lines.push(line),
    json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('distributed mode', () => {
  let db: TestDatabase;
  const suffix = randomBytes(3).toString('hex');
  const logins = Object.fromEntries(SERVICES.map((s) => [s, `t_${s}_${suffix}`])) as Record<
    ServiceName,
    string
  >;
  const loginUrl = (s: ServiceName) =>
    db.url.replace('postgres://postgres@', `postgres://${logins[s]}:pw-${suffix}@`);
  const services = {} as Record<ServiceName, RunningService>;
  const logs = Object.fromEntries([...SERVICES, 'gateway'].map((s) => [s, capture()])) as Record<
    ServiceName | 'gateway',
    ReturnType<typeof capture>
  >;
  let gateway: RunningGateway;
  const dirs: string[] = [];
  const startFailures: string[] = [];

  before(async () => {
    db = await createTestDatabase();
    const admin = await openDatabase({
      url: db.url,
      dataDir: '.',
      poolMax: 1,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 10_000,
      applicationName: 'setup',
    });
    try {
      for (const s of SERVICES) await createServiceLogin(admin.db, s, logins[s], `pw-${suffix}`);
    } finally {
      await admin.close();
    }
    const ports = Object.fromEntries(
      await Promise.all([...SERVICES, 'gateway'].map(async (s) => [s, await freePort()])),
    ) as Record<ServiceName | 'gateway', number>;
    const url = (s: ServiceName | 'gateway') => `http://127.0.0.1:${ports[s]}`;
    const common = {
      AUDITOR_SERVICE_SECRET: randomBytes(24).toString('base64url'),
      AUDITOR_AUTO_MIGRATE: 'false',
      AUDITOR_PUBLIC_URL: url('gateway'),
      AUDITOR_IDENTITY_URL: url('identity'),
      AUDITOR_AUDIT_URL: url('audit'),
      AUDITOR_FILE_URL: url('file'),
      AUDITOR_EVENT_URL: url('event'),
      AUDITOR_VERIFICATION_URL: url('verification'),
      AUDITOR_INGEST_ENABLED: 'false',
      AUDITOR_REVOCATION_POLL_INTERVAL: '200ms',
    } as const;
    const dataDir = () => {
      const d = mkdtempSync(join(tmpdir(), 'auditor-dist-'));
      dirs.push(d);
      return d;
    };
    // Identity first: the others fetch its JWKS and revocations.
    for (const s of SERVICES) {
      try {
        services[s] = await startServiceProcess({
          service: s,
          config: loadConfig(
            testEnv({
              ...common,
              PORT: String(ports[s]),
              DATABASE_URL: loginUrl(s),
              AUDITOR_DATA_DIR: dataDir(),
            }),
          ),
          logDestination: logs[s],
        });
      } catch (err) {
        startFailures.push(`${s}: ${(err as Error).stack}`);
      }
    }
    gateway = await startGateway({
      config: loadConfig(testEnv({ ...common, PORT: String(ports.gateway), AUDITOR_DATA_DIR: dataDir() })),
      logDestination: logs.gateway,
    });
    await services.identity.services.identity!.admin.bootstrap({
      org: 'Distributed Org',
      email: 'admin@dist.test',
      password: TEST_PASSWORD,
    });
    // The gateway retries its route table every 2 s until every service answered.
    const deadline = Date.now() + 20_000;
    while (!gateway.table() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  });
  after(async () => {
    await gateway?.close();
    for (const s of [...SERVICES].reverse()) await services[s]?.close().catch(() => {});
    await db?.drop();
    for (const s of SERVICES) await adminQuery(`DROP ROLE IF EXISTS ${logins[s]}`).catch(() => {});
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const viaGateway = (path: string, init: RequestInit = {}) => fetch(`${gateway.url}${path}`, init);
  async function signIn(): Promise<string> {
    const res = await viaGateway('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@dist.test', password: TEST_PASSWORD }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as { accessToken: string }).accessToken;
  }

  test('all five services start, each with its own login role', () => {
    assert.deepEqual(startFailures, [], `services that could not start:\n${startFailures.join('\n')}`);
    for (const s of SERVICES) assert.ok(services[s]?.url, `${s} listens`);
  });

  test('every service serves /health/ready (database and migrations) and /metrics with its own service name', async () => {
    for (const s of SERVICES) {
      const ready = await fetch(`${services[s].url}/health/ready`);
      const body = (await ready.json()) as { checks: Record<string, string> };
      assert.equal(ready.status, 200, `${s}: ${JSON.stringify(body)}`);
      assert.equal(body.checks.database, 'ok');
      assert.equal(body.checks.migrations, 'ok');
      const metrics = await (await fetch(`${services[s].url}/metrics`)).text();
      assert.match(
        metrics,
        new RegExp(
          `http_requests_total\\{service="${PROCESS_NAMES[s]}",method="GET",route="/health/ready",status="200"\\}`,
        ),
      );
      assert.match(metrics, new RegExp(`db_transactions_total\\{service="${PROCESS_NAMES[s]}"`));
    }
    assert.equal(
      (await viaGateway('/health/ready')).status,
      200,
      'the gateway is ready once its route table is loaded',
    );
    assert.match(await (await viaGateway('/metrics')).text(), /http_requests_total\{service="gateway"/);
  });

  test('each service process and the gateway export the metrics the telemetry contract lists for them', async () => {
    for (const s of SERVICES) {
      await fetch(`${services[s].url}/health/ready`);
      const text = await (await fetch(`${services[s].url}/metrics`)).text();
      assert.deepEqual(contractProblems(text, PROCESS_NAMES[s]), [], PROCESS_NAMES[s]);
    }
    await viaGateway('/health/ready');
    assert.deepEqual(contractProblems(await (await viaGateway('/metrics')).text(), 'gateway'), [], 'gateway');
  });

  test('a request through the gateway reaches identity over HTTP, and its trace id is in both processes’ logs', async () => {
    const token = await signIn();
    const traceId = randomBytes(16).toString('hex');
    const res = await viaGateway('/api/v1/me', {
      headers: {
        authorization: `Bearer ${token}`,
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { email: string }).email, 'admin@dist.test');
    const inGateway = logs.gateway
      .json()
      .find((l) => l.trace_id === traceId && l.msg === 'request completed');
    const inIdentity = logs.identity
      .json()
      .find((l) => l.trace_id === traceId && l.msg === 'request completed');
    assert.ok(inGateway, 'the gateway logged the request with the trace id');
    assert.ok(inIdentity, 'identity logged the request with the same trace id');
    assert.equal(inGateway.route, '/api/v1/me');
    assert.equal(inGateway.service, 'gateway');
    assert.equal(inIdentity.service, 'identity-service');
    assert.equal(inIdentity.request_id, inGateway.request_id, 'the request id travels too');
    const metrics = await (await viaGateway('/metrics')).text();
    assert.match(
      metrics,
      /http_requests_total\{service="gateway",method="GET",route="\/api\/v1\/me",status="200"\}/,
    );
  });

  test('other services verify access tokens with identity’s JWKS and API tokens by introspection over HTTP', async () => {
    const token = await signIn();
    const keys = await viaGateway('/api/v1/ledger/public-keys');
    assert.equal(keys.status, 200, 'a public verification route is reached through the gateway');
    const signed = await viaGateway('/api/v1/ledger/checkpoint', {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.notEqual(signed.status, 401, await signed.clone().text());
    const anonymous = await viaGateway('/api/v1/ledger/checkpoint');
    assert.equal(anonymous.status, 401);
    const minted = await viaGateway('/api/v1/api-tokens', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'dist', scopes: ['read', 'ledger:read'] }),
    });
    const apiToken = ((await minted.json()) as { token: string }).token;
    const viaToken = await viaGateway('/api/v1/ledger/checkpoint', {
      headers: { authorization: `Bearer ${apiToken}` },
    });
    assert.notEqual(viaToken.status, 401, await viaToken.clone().text());
  });

  test('a logout is refused by the other services too, once they poll the revocation list', async () => {
    const token = await signIn();
    assert.notEqual(
      (await viaGateway('/api/v1/ledger/checkpoint', { headers: { authorization: `Bearer ${token}` } }))
        .status,
      401,
    );
    const out = await viaGateway('/api/v1/auth/logout', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(out.status, 204);
    assert.equal(
      (await viaGateway('/api/v1/me', { headers: { authorization: `Bearer ${token}` } })).status,
      401,
      'identity refuses it at once',
    );
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (
        await viaGateway('/api/v1/ledger/checkpoint', { headers: { authorization: `Bearer ${token}` } })
      ).status;
      if (status === 401) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 401, 'verification refuses it within its poll interval');
  });

  test('identity’s messages travel over HTTP through the relay into the verification service’s ledger', async () => {
    const token = await signIn();
    const res = await viaGateway('/api/v1/users', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `ea-${randomUUID().slice(0, 6)}@dist.test`,
        name: 'Dist Auditor',
        password: TEST_PASSWORD,
      }),
    });
    assert.equal(res.status, 201);
    const id = ((await res.json()) as { id: string }).id;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { rows } = await adminQuery(
        `select count(*)::int as n from ledger.leaves l join identity.outbox o on l.ref = o.id::text where o.key = '${id}'`,
        db.name,
      );
      if (rows[0].n === 1) break;
      if (Date.now() > deadline) assert.fail('the user_created message did not reach the ledger');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  test("identity's database login cannot read another service's schema", async () => {
    const client = new pg.Client({ connectionString: loginUrl('identity') });
    await client.connect();
    try {
      const own = await client.query('select count(*)::int as n from identity.outbox');
      assert.ok(own.rows[0].n >= 1, 'its own schema is readable');
      for (const table of ['audit.outbox', 'ledger.leaves', 'event.outbox', 'file.outbox']) {
        await assert.rejects(
          client.query(`select * from ${table} limit 1`),
          (err: Error & { code?: string }) => {
            assert.equal(err.code, '42501', `${table}: ${err.message}`);
            assert.match(err.message, /permission denied/);
            return true;
          },
        );
      }
    } finally {
      await client.end();
    }
  });

  test("the gateway's route table has exactly one owner for each public route of the services", () => {
    const table = gateway.table();
    assert.ok(table, 'the route table is loaded');
    const owners = new Map<string, Set<string>>();
    for (const e of table.entries())
      owners.set(`${e.method} ${e.url}`, (owners.get(`${e.method} ${e.url}`) ?? new Set()).add(e.service));
    for (const [route, set] of owners) assert.equal(set.size, 1, route);
    assert.equal(table.match('GET', `/api/v1/users/${randomUUID()}`)?.service, 'identity-service');
    assert.equal(table.match('GET', '/api/v1/ledger/checkpoint')?.service, 'verification-service');
    // The Operations page's three sources: each answered by the service that owns the data.
    assert.equal(table.match('GET', '/api/v1/events/ingest-status')?.service, 'event-service');
    assert.equal(table.match('GET', '/api/v1/ledger/status')?.service, 'verification-service');
    assert.equal(table.match('GET', '/api/v1/ops/slo')?.service, 'identity-service');
    assert.equal(table.match('GET', '/api/v1/ops/overview')?.service, 'identity-service');
    assert.equal(table.match('GET', '/api/v1/nothing'), undefined);
  });

  test('the operations overview gathers ingestion and ledger status from their services over HTTP', async () => {
    const token = await signIn();
    const res = await viaGateway('/api/v1/ops/overview', { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as {
      unavailable: string[];
      events: { eventsPerDay: { days: unknown[] } } | null;
      ledger: { origin: string } | null;
    };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.deepEqual(body.unavailable, [], 'identity reached the event and verification services');
    assert.equal(body.events?.eventsPerDay.days.length, 14);
    assert.match(body.ledger?.origin ?? '', /^auditor\.local\//);
  });
});
