/**
 * Per-test-file databases. The test runner starts one PostgreSQL cluster per run and migrates a
 * template database once; each test file clones it (CREATE DATABASE ... TEMPLATE), which takes
 * milliseconds instead of re-running every migration.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export function testPgBaseUrl(): string | undefined {
  return process.env.AUDITOR_TEST_PG_URL;
}

export function requireTestPg(): string {
  const url = testPgBaseUrl();
  if (!url) {
    throw new Error(
      'AUDITOR_TEST_PG_URL is not set: run the tests through `npm test` (scripts/run-tests.ts), which starts PostgreSQL',
    );
  }
  return url;
}

export async function adminQuery(sql: string, database = 'postgres'): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: `${requireTestPg()}/${database}` });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from the migrated template (or an empty one with `{ empty: true }`). */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const base = requireTestPg();
  const name = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const template = options.empty ? 'template0' : (process.env.AUDITOR_TEST_TEMPLATE_DB ?? 'template0');
  // CREATE DATABASE ... TEMPLATE fails if another session is connected to the template; retry briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      break;
    } catch (err) {
      if (attempt > 20 || !String(err).includes('being accessed by other users')) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    name,
    url: `${base}/${name}`,
    async drop() {
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
