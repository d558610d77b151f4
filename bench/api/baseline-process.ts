/**
 * The P2 baseline, in its own process: bare Fastify (no auth, no validation, no plugins) with one
 * route doing one primary-key lookup in `event.events` (`org_id, created_at, event_id`) over a pool
 * of the product's size, the row returned as JSON. `--org ID`: the organisation whose events are
 * looked up (1,000 of their keys are read at start; `GET /events/:n` reads key n mod 1,000).
 * Prints one JSON line `{ url, pid }`; stops on SIGTERM.
 *
 *   node --import tsx bench/api/baseline-process.ts --database postgres://… --org <uuid>
 */
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import pg from 'pg';

const { values } = parseArgs({
  options: { database: { type: 'string' }, org: { type: 'string' }, pool: { type: 'string', default: '10' } },
});
if (!values.database || !values.org) throw new Error('--database and --org are required');
const pool = new pg.Pool({ connectionString: values.database, max: Number(values.pool) });
const keys = (
  await pool.query<{ created_at: Date; event_id: string }>(
    `select created_at, event_id from event.events
      where org_id = $1 and created_at > now() - interval '30 days' order by created_at desc limit 1000`,
    [values.org],
  )
).rows;
if (keys.length === 0) throw new Error('no events to look up');

const app = Fastify({ logger: false });
app.get<{ Params: { n: string } }>('/events/:n', async (request) => {
  const key = keys[Number(request.params.n) % keys.length]!;
  const { rows } = await pool.query(
    `select event_id, created_at, event_type, actor_id, actor_name, item_id, item_type, item_name, raw
       from event.events where org_id = $1 and created_at = $2 and event_id = $3`,
    [values.org, key.created_at, key.event_id],
  );
  return rows[0];
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url, pid: process.pid })}\n`);
const stop = async () => {
  await app.close();
  await pool.end();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
