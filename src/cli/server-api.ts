/**
 * CLI commands that go through a server's API rather than the database (`auditor events export`,
 * `auditor events status`): what the token's user may see is decided by the services, and the same
 * command works against the all-in-one server, a distributed installation's gateway, and a server
 * holding the embedded database. The token comes from --token or AUDITOR_TOKEN (`auditor admin
 * token` mints one); the URL from --url, else AUDITOR_PUBLIC_URL, else http://localhost:PORT.
 */
import { cliConfig } from './local-runtime.ts';
import { fail } from './output.ts';

export interface ServerApiOptions {
  url?: string;
  token?: string;
}

/** Adds --url and --token to a command. */
export function withServerOptions<T extends { option(flags: string, description: string): T }>(cmd: T): T {
  return cmd
    .option('--url <url>', 'the server or gateway (default: AUDITOR_PUBLIC_URL, else http://localhost:PORT)')
    .option('--token <token>', 'API token (default: AUDITOR_TOKEN)');
}

/**
 * GET `path` (with its query) from the server with the token. Answers other than 2xx end the
 * command naming the server's error code: 4xx exit 2 (the caller's to fix), the rest exit 1.
 */
export async function serverGet(o: ServerApiOptions, path: string): Promise<Response> {
  const config = cliConfig();
  const token = o.token ?? config.AUDITOR_TOKEN;
  if (!token) fail('give an API token with --token or AUDITOR_TOKEN (auditor admin token mints one)', 2);
  const base = o.url ?? config.AUDITOR_PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  let res: Response;
  try {
    res = await fetch(new URL(path, base), { headers: { authorization: `Bearer ${token}` } });
  } catch (err) {
    fail(`could not reach ${base}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  if (res.ok && res.body) return res;
  const body = await res.text();
  let message = body;
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
    if (parsed.error) message = `${parsed.error.code}: ${parsed.error.message}`;
  } catch {}
  fail(`the server answered ${res.status}: ${message}`, res.status >= 400 && res.status < 500 ? 2 : 1);
}
