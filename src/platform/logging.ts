/**
 * JSON logs on stdout (Loki-ready) with `service`, `level`, `trace_id`, `span_id` and, per request,
 * `request_id` and `user_id`. Secrets are redacted by path, and by a last-line filter that drops
 * anything shaped like one of our tokens, so a careless log call cannot leak one.
 */
import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const REDACT_PATHS = [
  'password',
  'newPassword',
  'currentPassword',
  'totp',
  'token',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'secret',
  'authorization',
  'cookie',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.authorization',
  '*.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

/** Our opaque tokens and JWTs, wherever they might appear in a message string. */
const TOKEN_SHAPES = [
  /afb_[A-Za-z0-9_-]{20,}/g,
  /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
];

export function scrubSecrets(line: string): string {
  let out = line;
  for (const re of TOKEN_SHAPES) out = out.replace(re, '[REDACTED]');
  return out;
}

export interface LoggerOptions {
  /** Omit for a root logger whose children each name their service (no duplicate `service` keys). */
  service?: string;
  level?: string;
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const target = options.destination ?? pino.destination({ dest: 1, sync: false });
  const scrubbing: DestinationStream = {
    write: (line: string) => target.write(scrubSecrets(line)),
  };
  return pino(
    {
      level: options.level ?? 'info',
      base: options.service ? { service: options.service } : {},
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      mixin() {
        const span = trace.getActiveSpan();
        if (!span) return {};
        const ctx = span.spanContext();
        return { trace_id: ctx.traceId, span_id: ctx.spanId };
      },
    },
    scrubbing,
  );
}

/** A logger that collects lines in memory, for tests that scan log output. */
export function createMemoryLogger(service = 'test'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({
    service,
    level: 'trace',
    destination: { write: (l: string) => void lines.push(l) },
  });
  return { logger, lines };
}
