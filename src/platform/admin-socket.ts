/**
 * A local admin channel: an HTTP server on a Unix socket in the data directory (mode 0600, so only the
 * account running the server can use it). CLI commands such as `auditor admin token` use it while a
 * server holds the embedded database.
 */
import { chmodSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';

export type AdminCommandHandler = (args: Record<string, unknown>) => Promise<unknown>;

export interface AdminSocketServer {
  close(): Promise<void>;
}

export async function startAdminSocket(
  path: string,
  commands: Record<string, AdminCommandHandler>,
): Promise<AdminSocketServer> {
  rmSync(path, { force: true });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const name = decodeURIComponent((req.url ?? '/').slice(1));
      const handler = commands[name];
      res.setHeader('content-type', 'application/json');
      if (req.method !== 'POST' || !handler) {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: `unknown admin command ${name}` }));
        return;
      }
      try {
        const args = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        res.end(JSON.stringify({ result: (await handler(args)) ?? null }));
      } catch (err) {
        res.statusCode = 400;
        res.end(JSON.stringify({ error: (err as Error).message }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          rmSync(path, { force: true });
          resolve();
        });
      }),
  };
}

export function callAdminSocket<T>(
  path: string,
  command: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: path, path: `/${encodeURIComponent(command)}`, method: 'POST' },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (res.statusCode !== 200)
              reject(new Error(body.error ?? `admin command failed (${res.statusCode})`));
            else resolve(body.result as T);
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(args));
  });
}
