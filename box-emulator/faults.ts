import { badParam } from './errors.ts';

export interface FaultMatch {
  method?: string;
  /** Path prefix, or a regular expression (a RegExp, or a string starting with `^`). */
  path?: string | RegExp;
}

export type FaultSpec =
  | { kind: 'status'; status: number; retryAfter?: number; times: number; match?: FaultMatch }
  | { kind: 'latency'; ms: number; times?: number; match?: FaultMatch }
  | { kind: 'drop-connection'; times: number; match?: FaultMatch }
  | { kind: 'duplicate-events'; times: number }
  | { kind: 'reorder-events'; times: number }
  | { kind: 'expire-stream-position' };

export interface ActiveFault {
  id: number;
  spec: FaultSpec;
  /** Uses left; `null` = until cleared. */
  remaining: number | null;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;

/** Validates a fault coming from JSON (the control API) or from code. */
export function parseFault(raw: unknown): FaultSpec {
  const f = (raw ?? {}) as Record<string, unknown>;
  const match = f.match as FaultMatch | undefined;
  if (match !== undefined && (typeof match !== 'object' || match === null))
    throw badParam('match', 'match must be an object');
  switch (f.kind) {
    case 'status':
      if (typeof f.status !== 'number' || f.status < 200 || f.status > 599)
        throw badParam('status', 'status must be an HTTP status');
      if (!isCount(f.times)) throw badParam('times', 'times must be a positive integer');
      if (f.retryAfter !== undefined && (typeof f.retryAfter !== 'number' || f.retryAfter < 0)) {
        throw badParam('retryAfter', 'retryAfter must be a number of seconds');
      }
      return f as FaultSpec;
    case 'latency':
      if (typeof f.ms !== 'number' || f.ms < 0) throw badParam('ms', 'ms must be a non-negative number');
      if (f.times !== undefined && !isCount(f.times))
        throw badParam('times', 'times must be a positive integer');
      return f as FaultSpec;
    case 'drop-connection':
    case 'duplicate-events':
    case 'reorder-events':
      if (!isCount(f.times)) throw badParam('times', 'times must be a positive integer');
      return f as FaultSpec;
    case 'expire-stream-position':
      return { kind: 'expire-stream-position' };
    default:
      throw badParam('kind', 'unknown fault kind');
  }
}

function matches(match: FaultMatch | undefined, method: string, path: string): boolean {
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.path === undefined) return true;
  if (match.path instanceof RegExp) return match.path.test(path);
  if (match.path.startsWith('^')) return new RegExp(match.path).test(path);
  return path.startsWith(match.path);
}

/** Faults waiting to happen. Each use counts down `times`. */
export class Faults {
  private active: ActiveFault[] = [];
  private nextId = 1;

  add(raw: FaultSpec | unknown): ActiveFault {
    const spec = parseFault(raw);
    const remaining =
      spec.kind === 'expire-stream-position' ? 1 : (('times' in spec ? spec.times : undefined) ?? null);
    const fault: ActiveFault = { id: this.nextId++, spec, remaining };
    this.active.push(fault);
    return fault;
  }

  list(): ActiveFault[] {
    return this.active.map((f) => ({ ...f, spec: { ...f.spec } }));
  }

  clear(): void {
    this.active = [];
  }

  private consume(fault: ActiveFault): void {
    if (fault.remaining === null) return;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.active = this.active.filter((f) => f !== fault);
  }

  /** The request-level fault (latency first, then status/drop) for this request, consumed. */
  take(kind: 'latency' | 'response', method: string, path: string): FaultSpec | undefined {
    const fault = this.active.find((f) => {
      const k = f.spec.kind;
      const wanted = kind === 'latency' ? k === 'latency' : k === 'status' || k === 'drop-connection';
      return wanted && matches((f.spec as { match?: FaultMatch }).match, method, path);
    });
    if (!fault) return undefined;
    this.consume(fault);
    return fault.spec;
  }

  /** Whether an events fault of this kind is pending; `consume` uses it up. */
  pending(kind: 'duplicate-events' | 'reorder-events' | 'expire-stream-position'): ActiveFault | undefined {
    return this.active.find((f) => f.spec.kind === kind);
  }

  use(fault: ActiveFault): void {
    this.consume(fault);
  }
}
