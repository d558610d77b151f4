/**
 * `pg` does not understand multi-host URLs (`postgres://u:p@h1:5432,h2:5432/db`). We split them into
 * one single-host URL per host and pick the primary ourselves (failover-pool.ts).
 */
export interface ParsedDatabaseUrl {
  hosts: string[];
  /** One single-host connection string per host, in configured order. */
  urls: string[];
  database: string;
}

export function parseDatabaseUrl(url: string): ParsedDatabaseUrl {
  const m = /^(postgres(?:ql)?:\/\/)([^@/]*@)?([^/?#]+)(\/[^?#]*)?(\?[^#]*)?$/.exec(url.trim());
  if (!m) throw new Error('DATABASE_URL is not a postgres:// URL');
  const [, scheme = '', auth = '', hostPart = '', path = '', query = ''] = m;
  const hosts = hostPart.split(',').filter(Boolean);
  if (hosts.length === 0) throw new Error('DATABASE_URL names no host');
  // target_session_attrs is handled by us; pg would reject it as an unknown option.
  const params = new URLSearchParams(query.replace(/^\?/, ''));
  params.delete('target_session_attrs');
  const rest = params.toString();
  const urls = hosts.map((h) => `${scheme}${auth}${h}${path}${rest ? `?${rest}` : ''}`);
  return { hosts, urls, database: decodeURIComponent(path.replace(/^\//, '')) };
}

/** The URL with its password replaced, for logs. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/(postgres(?:ql)?:\/\/[^:@/]+):[^@]*@/, '$1:***@');
}
