/**
 * Times in filters: people pick local date-times (`datetime-local`, in the browser's time zone); the
 * API gets ISO 8601 with that zone's offset (`2026-11-29T09:00:00+09:00`), as product.md §5 asks.
 */
const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** A Date as ISO 8601 in the browser's time zone, with its offset. */
export function isoWithOffset(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
  );
}

/** `datetime-local` value → ISO with offset; '' stays undefined (the API's default applies). */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : isoWithOffset(date);
}

/** ISO (any offset) → `datetime-local` value in the browser's time zone. */
export function isoToLocalInput(iso: string | undefined | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** "UTC+09:00" for the browser's current offset. */
export function utcOffsetLabel(date = new Date()): string {
  const offset = -date.getTimezoneOffset();
  return `UTC${offset >= 0 ? '+' : '-'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** Every calendar day from `from` to `to` (inclusive) in a time zone, as `YYYY-MM-DD`. */
export function daysBetween(fromIso: string, toIso: string, timeZone: string, max = 400): string[] {
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const first = fmt.format(new Date(fromIso));
  const last = fmt.format(new Date(toIso));
  const days: string[] = [];
  const [y, m, d] = first.split('-').map(Number);
  const cursor = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
  for (let i = 0; i < max; i++) {
    const day = cursor.toISOString().slice(0, 10);
    days.push(day);
    if (day >= last) return days;
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}
