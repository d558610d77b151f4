/**
 * The PostgreSQL client programs the backup commands run (pg_dump, pg_restore), and picking the
 * primary of a multi-host DATABASE_URL. pg_dump must be of the server's major version or newer;
 * the container image installs the client (deploy/docker/Dockerfile). They are found on PATH.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { parseDatabaseUrl } from '../platform/db/connection-string.ts';

export async function runTool(
  name: 'pg_dump' | 'pg_restore',
  args: string[],
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(name, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      if (stderr.length > 100_000) stderr = stderr.slice(-100_000);
    });
    child.on('error', (err) =>
      reject(
        (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? new Error(
              `${name} is not installed (install the PostgreSQL client, e.g. apt-get install postgresql-client)`,
            )
          : err,
      ),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
  });
}

/** The single-host URL of the primary among the hosts of `url` (the only host when there is one). */
export async function primaryUrl(url: string): Promise<string> {
  const parsed = parseDatabaseUrl(url);
  if (parsed.urls.length === 1) return parsed.urls[0]!;
  for (const u of parsed.urls) {
    const client = new pg.Client({ connectionString: u, connectionTimeoutMillis: 5000 });
    client.on('error', () => {});
    try {
      await client.connect();
      const r = await client.query<{ r: boolean }>('select pg_is_in_recovery() as r');
      if (r.rows[0]?.r === false) return u;
    } catch {
      // next host
    } finally {
      await client.end().catch(() => {});
    }
  }
  throw new Error('no PostgreSQL primary among the hosts of the database URL');
}

/** Same server and database? (a scratch or restore target must never be the production database) */
export function sameDatabase(a: string, b: string): boolean {
  const pa = parseDatabaseUrl(a);
  const pb = parseDatabaseUrl(b);
  const norm = (h: string) => h.replace(/^localhost(?=:|$)/, '127.0.0.1').replace(/:5432$/, '');
  return pa.database === pb.database && pa.hosts.some((h) => pb.hosts.map(norm).includes(norm(h)));
}
