/** Every request the local Box answered, timed by the injected clock, so tests can check pacing without sleeping. */
export interface RequestLogEntry {
  requestId: string;
  time: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  /** 0 when the connection was dropped on purpose. */
  status: number;
  clientId?: string;
  userId?: string;
  asUserId?: string;
  fault?: string;
}

export interface RequestLogFilter {
  method?: string;
  pathPrefix?: string;
  since?: string;
}

export class RequestLog {
  private items: RequestLogEntry[] = [];
  constructor(private readonly max = 20_000) {}

  record(entry: RequestLogEntry): void {
    this.items.push(entry);
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
  }

  entries(filter: RequestLogFilter = {}): RequestLogEntry[] {
    return this.items.filter(
      (e) =>
        (!filter.method || e.method === filter.method.toUpperCase()) &&
        (!filter.pathPrefix || e.path.startsWith(filter.pathPrefix)) &&
        (!filter.since || e.time >= filter.since),
    );
  }

  clear(): void {
    this.items = [];
  }
}
