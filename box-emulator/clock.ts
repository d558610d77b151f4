/** Time source for the local Box. Every timestamp, expiry and retention window reads it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: tests advance it instead of sleeping. */
export class ManualClock implements Clock {
  private ms: number;
  constructor(start: Date | string | number = '2025-06-02T09:00:00Z') {
    this.ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  advanceSeconds(s: number): void {
    this.ms += s * 1000;
  }
  set(to: Date | string | number): void {
    this.ms = new Date(to).getTime();
  }
}

/** Box's wire format for date-times: RFC 3339, second precision, explicit offset. */
export function boxTime(at: Date | number): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 19)}+00:00`;
}

export const DAY_MS = 86_400_000;
