/**
 * Configuration, parsed once at start-up from the environment and an optional file
 * (`AUDITOR_CONFIG_FILE`, JSON or YAML with the same variable names as keys; the environment wins).
 * Every variable is declared here with its type, default and description; `docs/configuration.md`
 * is generated from this table (`auditor config docs`) and a test keeps it current.
 * A bad or missing value stops start-up with an error naming the variable.
 */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { parseDuration } from './duration.ts';

type Kind = 'string' | 'url' | 'int' | 'bool' | 'duration' | 'enum' | 'list';

interface VarSpec {
  kind: Kind;
  description: string;
  default?: string;
  /** Never printed in logs or docs with its value. */
  secret?: boolean;
  values?: readonly string[];
  min?: number;
  group: string;
}

const v = <K extends Kind, E extends Partial<VarSpec> = Record<never, never>>(
  group: string,
  kind: K,
  description: string,
  extra?: E,
): VarSpec & { kind: K } & E => ({ group, kind, description, ...(extra as E) });

export const CONFIG_VARIABLES = {
  // Runtime
  NODE_ENV: v(
    'Runtime',
    'enum',
    'Runtime environment. `production` disables generated secrets and demo features.',
    {
      values: ['development', 'test', 'production'],
      default: 'development',
    },
  ),
  PORT: v(
    'Runtime',
    'int',
    'HTTP port of this process (gateway in all-in-one mode, the service otherwise). 0 picks a free port.',
    { default: '8080', min: 0 },
  ),
  AUDITOR_HOST: v('Runtime', 'string', 'Address to listen on. Use 0.0.0.0 in containers.', {
    default: '127.0.0.1',
  }),
  AUDITOR_DATA_DIR: v(
    'Runtime',
    'string',
    'Directory for the embedded database, generated demo secrets, the admin socket and local mail.',
    { default: './data' },
  ),
  AUDITOR_PUBLIC_URL: v(
    'Runtime',
    'url',
    'External URL of the gateway, used for OAuth redirects and links in emails. Defaults to http://localhost:PORT.',
  ),
  AUDITOR_INSTALLATION_NAME: v(
    'Runtime',
    'string',
    'Name of this installation; it appears in every log origin line (e.g. auditor.example.com).',
    { default: 'auditor.local' },
  ),
  AUDITOR_DEMO: v(
    'Runtime',
    'bool',
    'Start the local Box with the demo enterprise and point the product at it (`serve --demo`). Refused when NODE_ENV=production.',
    { default: 'false' },
  ),
  AUDITOR_DEMO_BOX_PORT: v('Runtime', 'int', 'Port of the local Box in demo mode (0 = next to PORT).', {
    default: '0',
    min: 0,
  }),
  AUDITOR_SHUTDOWN_GRACE_MS: v(
    'Runtime',
    'duration',
    'Time allowed on SIGTERM to finish in-flight requests and flush the outbox.',
    { default: '25s' },
  ),
  AUDITOR_MAINTENANCE_MODE: v(
    'Runtime',
    'bool',
    'Start in maintenance mode: writes answer 503 with Retry-After, reads and ingestion continue.',
    { default: 'false' },
  ),
  LOG_LEVEL: v('Observability', 'enum', 'Log level.', {
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: v(
    'Observability',
    'url',
    'OTLP/HTTP endpoint for traces (e.g. http://tempo:4318). Unset: traces are created for log correlation but not exported.',
  ),
  // Database
  DATABASE_URL: v(
    'Database',
    'string',
    'PostgreSQL URL. Several hosts (`postgres://u:p@h1:5432,h2:5432/db`) are tried in turn and the primary is followed after a failover. Unset: the embedded database (PGlite) under AUDITOR_DATA_DIR.',
    { secret: true },
  ),
  AUDITOR_DB_POOL_MAX: v('Database', 'int', 'Maximum connections per process.', { default: '10', min: 1 }),
  AUDITOR_DB_CONNECT_TIMEOUT: v(
    'Database',
    'duration',
    'Give up connecting after this long (requests then fail fast with 503).',
    { default: '3s' },
  ),
  AUDITOR_DB_STATEMENT_TIMEOUT: v('Database', 'duration', 'Statement timeout for request queries.', {
    default: '30s',
  }),
  AUDITOR_AUTO_MIGRATE: v(
    'Database',
    'bool',
    '`serve` applies pending migrations itself. Set false where a migration Job runs them.',
    { default: 'true' },
  ),
  // Services
  AUDITOR_SERVICE_SECRET: v(
    'Services',
    'string',
    'Shared secret authenticating service-to-service calls and message deliveries (distributed mode). Generated per process in all-in-one mode.',
    { secret: true },
  ),
  AUDITOR_IDENTITY_URL: v('Services', 'url', 'Base URL of the identity service (distributed mode).'),
  AUDITOR_AUDIT_URL: v('Services', 'url', 'Base URL of the audit service (distributed mode).'),
  AUDITOR_FILE_URL: v('Services', 'url', 'Base URL of the file service (distributed mode).'),
  AUDITOR_EVENT_URL: v('Services', 'url', 'Base URL of the event service (distributed mode).'),
  AUDITOR_VERIFICATION_URL: v('Services', 'url', 'Base URL of the verification service (distributed mode).'),
  AUDITOR_WITNESS_URL: v('Services', 'url', 'Base URL of the witness (distributed mode).'),
  AUDITOR_CORS_ORIGIN: v(
    'HTTP',
    'string',
    'Allowed browser origin for CORS. Defaults to the origin of AUDITOR_PUBLIC_URL.',
  ),
  AUDITOR_BODY_LIMIT: v('HTTP', 'int', 'Maximum request body in bytes.', { default: '1048576', min: 1024 }),
  AUDITOR_RATE_LIMIT_PER_MINUTE: v(
    'HTTP',
    'int',
    'Requests per minute per client address on the API (sign-in, reset and search have tighter limits).',
    { default: '6000', min: 1 },
  ),
  AUDITOR_AUTH_RATE_LIMIT_PER_MINUTE: v(
    'HTTP',
    'int',
    'Sign-in and password-reset requests per minute per client address.',
    { default: '20', min: 1 },
  ),
  AUDITOR_SEARCH_RATE_LIMIT_PER_MINUTE: v('HTTP', 'int', 'Event searches and exports per minute per user.', {
    default: '600',
    min: 1,
  }),
  AUDITOR_TRUST_PROXY: v('HTTP', 'bool', 'Trust X-Forwarded-* headers (behind an ingress or the gateway).', {
    default: 'false',
  }),
  // Identity
  AUDITOR_JWT_PRIVATE_KEY_FILE: v(
    'Identity',
    'string',
    'PEM file with the Ed25519 key signing access tokens. Without it a key is generated under AUDITOR_DATA_DIR/secrets (not in production).',
  ),
  AUDITOR_ACCESS_TOKEN_TTL: v('Identity', 'duration', 'Lifetime of access tokens (JWT).', { default: '15m' }),
  AUDITOR_REFRESH_TOKEN_TTL: v('Identity', 'duration', 'Lifetime of a refresh-token family.', {
    default: '30d',
  }),
  AUDITOR_RESET_CODE_TTL: v('Identity', 'duration', 'Lifetime of a password-reset code.', { default: '15m' }),
  AUDITOR_RESET_CODE_MAX_ATTEMPTS: v('Identity', 'int', 'Wrong guesses allowed per reset code.', {
    default: '5',
    min: 1,
  }),
  AUDITOR_INVITATION_TTL: v('Identity', 'duration', 'Lifetime of an external auditor invitation link.', {
    default: '7d',
  }),
  AUDITOR_LOGIN_MAX_FAILURES: v(
    'Identity',
    'int',
    'Failed sign-ins per account (and per address) before back-off starts.',
    { default: '5', min: 1 },
  ),
  AUDITOR_LOGIN_LOCKOUT: v(
    'Identity',
    'duration',
    'Longest back-off after repeated failures (doubles from 1s).',
    { default: '15m' },
  ),
  AUDITOR_INTROSPECTION_CACHE_TTL: v(
    'Identity',
    'duration',
    'How long services cache an API-token introspection (at most 30s).',
    { default: '30s' },
  ),
  AUDITOR_REVOCATION_POLL_INTERVAL: v(
    'Identity',
    'duration',
    'How often services fetch revoked sessions and users from identity (distributed mode).',
    { default: '5s' },
  ),
  AUDITOR_ARGON2_MEMORY_KIB: v('Identity', 'int', 'argon2id memory cost in KiB.', {
    default: '19456',
    min: 8,
  }),
  AUDITOR_ARGON2_ITERATIONS: v('Identity', 'int', 'argon2id time cost.', { default: '2', min: 1 }),
  AUDITOR_ENCRYPTION_KEYS: v(
    'Identity',
    'list',
    'Keys for encrypting Box tokens at rest: comma-separated `id:base64(32 bytes)`; the first encrypts, all decrypt (rotation). Generated under AUDITOR_DATA_DIR/secrets when unset (not in production).',
    { secret: true },
  ),
  AUDITOR_SMTP_URL: v(
    'Email',
    'string',
    'SMTP server (smtp://user:pass@host:587 or smtps://...). Unset: messages are written to AUDITOR_DATA_DIR/mail as .eml files.',
    { secret: true },
  ),
  AUDITOR_MAIL_FROM: v('Email', 'string', 'Sender address of emails.', {
    default: 'Auditor for Box <no-reply@auditor.local>',
  }),
  // Box
  BOX_API_BASE_URL: v('Box', 'url', 'Box API base URL.', { default: 'https://api.box.com' }),
  BOX_UPLOAD_BASE_URL: v('Box', 'url', 'Box upload base URL.', { default: 'https://upload.box.com/api' }),
  BOX_OAUTH2_BASE_URL: v('Box', 'url', 'Box authorize base URL (browser redirect).', {
    default: 'https://account.box.com/api/oauth2',
  }),
  BOX_OAUTH_CLIENT_ID: v('Box', 'string', 'Client id of the OAuth 2.0 app used for Box sign-in.'),
  BOX_OAUTH_CLIENT_SECRET: v('Box', 'string', 'Client secret of the OAuth 2.0 app.', { secret: true }),
  BOX_CCG_CLIENT_ID: v(
    'Box',
    'string',
    'Client id of the Client Credentials Grant app reading the enterprise event stream (default for every organisation).',
  ),
  BOX_CCG_CLIENT_SECRET: v('Box', 'string', 'Client secret of the CCG app.', { secret: true }),
  BOX_WEBHOOK_PRIMARY_KEY: v(
    'Box',
    'string',
    'Primary webhook signature key (optional webhook accelerator).',
    { secret: true },
  ),
  BOX_WEBHOOK_SECONDARY_KEY: v('Box', 'string', 'Secondary webhook signature key.', { secret: true }),
  BOX_CALLS_PER_MINUTE: v(
    'Box',
    'int',
    'Budget of Box API calls per minute per app and user (Box allows about 1,000).',
    { default: '900', min: 1 },
  ),
  BOX_REQUEST_TIMEOUT: v('Box', 'duration', 'Timeout of one Box API call.', { default: '30s' }),
  BOX_MAX_RETRY_WAIT: v('Box', 'duration', 'Longest total wait for retries of one Box call.', {
    default: '2m',
  }),
  // Event ingestion
  AUDITOR_INGEST_POLL_INTERVAL: v(
    'Events',
    'duration',
    'Pause between polls of the enterprise stream once caught up.',
    { default: '5s' },
  ),
  AUDITOR_INGEST_LEASE_TTL: v(
    'Events',
    'duration',
    "Leader lease of an organisation's ingester; another replica takes over after it lapses.",
    { default: '30s' },
  ),
  AUDITOR_INGEST_PAGE_SIZE: v('Events', 'int', 'Events requested per page (Box maximum 500).', {
    default: '500',
    min: 1,
  }),
  AUDITOR_INGEST_EVENT_TYPES: v(
    'Events',
    'list',
    'Enterprise event types to collect (comma-separated). Empty: all.',
    { default: '' },
  ),
  AUDITOR_INGEST_ENABLED: v('Events', 'bool', 'Run the ingester in this process.', { default: 'true' }),
  // Outbox
  AUDITOR_OUTBOX_POLL_INTERVAL: v(
    'Messaging',
    'duration',
    'How often the relay looks for undelivered messages.',
    { default: '250ms' },
  ),
  AUDITOR_OUTBOX_BATCH_SIZE: v('Messaging', 'int', 'Messages delivered per batch.', {
    default: '200',
    min: 1,
  }),
  AUDITOR_OUTBOX_LEASE_TTL: v(
    'Messaging',
    'duration',
    'Lease of a relay on one subscriber (one replica delivers at a time).',
    { default: '15s' },
  ),
  AUDITOR_OUTBOX_MAX_BACKOFF: v('Messaging', 'duration', 'Longest pause between failed delivery attempts.', {
    default: '30s',
  }),
  AUDITOR_OUTBOX_RETENTION: v(
    'Messaging',
    'duration',
    'Delivered messages are kept this long for inspection.',
    { default: '1d' },
  ),
  // Ledger
  AUDITOR_LEDGER_SIGNING_KEY_FILE: v(
    'Ledger',
    'string',
    "File with the log's C2SP signer key (PRIVATE+KEY+...). Generated under AUDITOR_DATA_DIR/secrets when unset (not in production).",
  ),
  AUDITOR_WITNESS_SIGNING_KEY_FILE: v(
    'Ledger',
    'string',
    "File with the witness's C2SP signer key. Generated under AUDITOR_DATA_DIR/secrets when unset (not in production).",
  ),
  AUDITOR_WITNESS_DATABASE_URL: v(
    'Ledger',
    'string',
    "Separate PostgreSQL database for the witness's own store. Unset: schema `witness` in the main database.",
    { secret: true },
  ),
  AUDITOR_WITNESS_TOKEN: v(
    'Ledger',
    'string',
    "API token (scope ledger:read) the witness uses on the ledger's public API (distributed mode).",
    { secret: true },
  ),
  AUDITOR_CHECKPOINT_INTERVAL: v(
    'Ledger',
    'duration',
    'Sign a checkpoint at least this often when the log grew.',
    { default: '10s' },
  ),
  AUDITOR_CHECKPOINT_MAX_LEAVES: v(
    'Ledger',
    'int',
    'Sign a checkpoint as soon as this many leaves were appended since the last.',
    { default: '10000', min: 1 },
  ),
  AUDITOR_WITNESS_INTERVAL: v('Ledger', 'duration', 'How often the witness looks for a new checkpoint.', {
    default: '10s',
  }),
  AUDITOR_VERIFY_SCHEDULE_INTERVAL: v(
    'Ledger',
    'duration',
    'Re-verify every monitored file this often (0 disables).',
    { default: '24h' },
  ),
  AUDITOR_VERIFY_CONCURRENCY: v('Ledger', 'int', 'Files verified at once in a set verification.', {
    default: '8',
    min: 1,
  }),
  AUDITOR_VERIFY_EVENT_DELAY: v(
    'Ledger',
    'duration',
    'How late Box may record an event after it happened. Verification treats events as ingested up to the last caught-up poll minus this (the ingestion watermark): a change newer than that is PENDING, never TAMPERED.',
    { default: '60s' },
  ),
  // Operations (operations.md §6-§8; docs/operations.md)
  AUDITOR_DB_STATS_INTERVAL: v(
    'Operations',
    'duration',
    'How often each service process refreshes auditor_db_dead_tuples (its own schema), auditor_db_replica_lag_seconds and auditor_db_long_running_queries (0 disables). The last two need a role with pg_monitor.',
    { default: '30s' },
  ),
  AUDITOR_ALERTMANAGER_TOKEN: v(
    'Operations',
    'string',
    'Bearer token Alertmanager sends to POST /api/v1/ops/alertmanager (the incident recorder). Unset: the receiver refuses every call.',
    { secret: true },
  ),
  AUDITOR_TOKEN: v(
    'Operations',
    'string',
    'API token the CLI sends to a server for commands that go through its API (`auditor events export`); `auditor admin token` mints one. Not read by servers.',
    { secret: true },
  ),
  AUDITOR_PROMETHEUS_URL: v(
    'Operations',
    'url',
    'Prometheus base URL read by `auditor ops slo`, `ops capacity` and `deploy check-canary` (or their --prometheus flag), and by GET /api/v1/ops/slo for the web Operations page (unset: that page says the SLO summary is not configured).',
  ),
  AUDITOR_BACKUP_DIR: v(
    'Operations',
    'string',
    '`auditor backup create` writes here; `backup verify` without a path takes the newest backup here.',
    { default: './backups' },
  ),
  AUDITOR_BACKUP_DESTINATION: v(
    'Operations',
    'string',
    'Copy of every verified backup in another region (plan §6.2): a directory (e.g. a mounted bucket) or `s3://bucket/prefix` (uploaded with the `aws` CLI, which must be on PATH). Unset: no copy.',
  ),
  AUDITOR_BACKUP_SCRATCH_DATABASE_URL: v(
    'Operations',
    'string',
    'Scratch PostgreSQL database `auditor backup verify` restores into (emptied first; never the production database).',
    { secret: true },
  ),
  AUDITOR_LEDGER_VERIFIER_KEY: v(
    'Operations',
    'string',
    "The log's public C2SP verifier key (`<name>+<hash>+<key>`): `auditor backup verify` checks checkpoint signatures against it. Default: derived from AUDITOR_LEDGER_SIGNING_KEY_FILE (the backup job then needs no private key if this is set).",
  ),
  AUDITOR_PUSHGATEWAY_URL: v(
    'Operations',
    'url',
    'Pushgateway receiving auditor_backup_last_success_timestamp_seconds (job auditor-backup) from `auditor backup verify`.',
  ),
} as const satisfies Record<string, VarSpec>;

export type ConfigKey = keyof typeof CONFIG_VARIABLES;

type ValueOf<S extends VarSpec> = S['kind'] extends 'int' | 'duration'
  ? number
  : S['kind'] extends 'bool'
    ? boolean
    : S['kind'] extends 'list'
      ? string[]
      : string;

export type Config = {
  readonly [K in ConfigKey]: (typeof CONFIG_VARIABLES)[K] extends { default: string }
    ? ValueOf<(typeof CONFIG_VARIABLES)[K]>
    : ValueOf<(typeof CONFIG_VARIABLES)[K]> | undefined;
};

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Configuration error: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

function parseValue(name: string, spec: VarSpec, raw: string): unknown {
  switch (spec.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `must be an integer, got "${raw}"`);
      const n = Number(raw);
      if (spec.min !== undefined && n < spec.min) throw new ConfigError(name, `must be at least ${spec.min}`);
      return n;
    }
    case 'bool': {
      const t = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(t)) return true;
      if (['false', '0', 'no', 'off', ''].includes(t)) return false;
      throw new ConfigError(name, `must be true or false, got "${raw}"`);
    }
    case 'duration': {
      const ms = parseDuration(raw);
      if (ms === undefined)
        throw new ConfigError(name, `must be a duration like 500ms, 30s, 15m, 2h or 7d, got "${raw}"`);
      return ms;
    }
    case 'enum':
      if (!spec.values?.includes(raw))
        throw new ConfigError(name, `must be one of ${spec.values?.join(', ')}, got "${raw}"`);
      return raw;
    case 'url':
      try {
        const u = new URL(raw);
        if (!/^https?:$/.test(u.protocol)) throw new Error('protocol');
      } catch {
        throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
      }
      return raw.replace(/\/+$/, '');
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    default:
      return raw;
  }
}

function readConfigFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('AUDITOR_CONFIG_FILE', `cannot be read (${(err as Error).message})`);
  }
  const parsed = path.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  if (!parsed || typeof parsed !== 'object')
    throw new ConfigError('AUDITOR_CONFIG_FILE', 'must hold an object of variables');
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(parsed)) {
    if (!(k in CONFIG_VARIABLES)) throw new ConfigError(k, `in ${path} is not a known variable`);
    out[k] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return out;
}

/**
 * Parses configuration from `env` (default process.env), an optional file, then `overrides`
 * (command-line flags). Unknown AUDITOR_* variables are refused so a typo cannot go unnoticed.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Record<ConfigKey, string>> = {},
): Config {
  const file = env.AUDITOR_CONFIG_FILE ? readConfigFile(env.AUDITOR_CONFIG_FILE) : {};
  for (const key of Object.keys(env)) {
    if (
      key.startsWith('AUDITOR_') &&
      key !== 'AUDITOR_CONFIG_FILE' &&
      !(key in CONFIG_VARIABLES) &&
      !key.startsWith('AUDITOR_TEST_')
    ) {
      throw new ConfigError(key, 'is not a known variable (see docs/configuration.md)');
    }
  }
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(CONFIG_VARIABLES) as [ConfigKey, VarSpec][]) {
    // An empty value (`PORT=` in a manifest) counts as unset and falls back to the next source or the
    // default; only a list may be empty on purpose.
    const given = (value: string | undefined) => (value === '' && spec.kind !== 'list' ? undefined : value);
    const raw = given(overrides[name]) ?? given(env[name]) ?? given(file[name]) ?? spec.default;
    out[name] =
      raw === undefined || (raw === '' && spec.kind !== 'list') ? undefined : parseValue(name, spec, raw);
  }
  const config = out as Config;
  validateCombination(config);
  return Object.freeze(config);
}

function validateCombination(c: Config): void {
  if (c.NODE_ENV === 'production' && c.AUDITOR_DEMO)
    throw new ConfigError('AUDITOR_DEMO', 'cannot be used with NODE_ENV=production');
  if (c.AUDITOR_INTROSPECTION_CACHE_TTL > 30_000)
    throw new ConfigError('AUDITOR_INTROSPECTION_CACHE_TTL', 'must be at most 30s');
  if (c.AUDITOR_INGEST_PAGE_SIZE > 500)
    throw new ConfigError('AUDITOR_INGEST_PAGE_SIZE', 'must be at most 500 (Box maximum)');
  if (c.BOX_OAUTH_CLIENT_ID && !c.BOX_OAUTH_CLIENT_SECRET)
    throw new ConfigError('BOX_OAUTH_CLIENT_SECRET', 'is required with BOX_OAUTH_CLIENT_ID');
  if (c.BOX_CCG_CLIENT_ID && !c.BOX_CCG_CLIENT_SECRET)
    throw new ConfigError('BOX_CCG_CLIENT_SECRET', 'is required with BOX_CCG_CLIENT_ID');
}

export function publicUrl(c: Config, port?: number): string {
  return c.AUDITOR_PUBLIC_URL ?? `http://localhost:${port ?? c.PORT}`;
}

/** Secrets may be generated into the data directory only outside production. */
export function mayGenerateSecrets(c: Config): boolean {
  return c.NODE_ENV !== 'production';
}

/** Markdown reference of every variable (docs/configuration.md). */
export function renderConfigDocs(): string {
  const lines = [
    '# Configuration reference',
    '',
    'Generated from `src/platform/config.ts` by `auditor config docs`; a test fails when this file is stale.',
    'Every variable can also be set in a JSON or YAML file named by `AUDITOR_CONFIG_FILE` (the environment wins).',
    'Durations take `ms`, `s`, `m`, `h` or `d`. Secrets are never logged.',
    '',
  ];
  let group = '';
  for (const [name, spec] of Object.entries(CONFIG_VARIABLES) as [string, VarSpec][]) {
    if (spec.group !== group) {
      group = spec.group;
      lines.push(`## ${group}`, '', '| Variable | Type | Default | Description |', '|---|---|---|---|');
    }
    const type = spec.kind === 'enum' ? spec.values?.join(' \\| ') : spec.kind;
    const def = spec.default === undefined || spec.default === '' ? '–' : `\`${spec.default}\``;
    lines.push(`| \`${name}\`${spec.secret ? ' (secret)' : ''} | ${type} | ${def} | ${spec.description} |`);
    const next = Object.values(CONFIG_VARIABLES as Record<string, VarSpec>)[
      Object.keys(CONFIG_VARIABLES).indexOf(name) + 1
    ];
    if (!next || next.group !== group) lines.push('');
  }
  return lines.join('\n');
}
