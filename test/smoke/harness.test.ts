import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { createTestDatabase } from '../support/database.ts';

test('the test harness provides a real PostgreSQL database per test file', async () => {
  const db = await createTestDatabase();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const { rows } = await client.query('select current_setting($1) as v', ['server_version_num']);
  assert.ok(Number(rows[0].v) >= 150000);
  await client.end();
  await db.drop();
});
