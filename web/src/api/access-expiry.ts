/**
 * When the current access token expires. The token itself is in an httpOnly cookie the app cannot
 * read; remembering its lifetime lets the client refresh just before it runs out instead of
 * provoking a 401 first. Kept in localStorage so that all tabs share it.
 */
const KEY = 'afb.accessExpiresAt';
/** Refresh this long before the token's end, to allow for clock drift and slow requests. */
const MARGIN_MS = 30_000;

export function rememberAccessExpiry(expiresInSeconds: number): void {
  try {
    localStorage.setItem(KEY, String(Date.now() + expiresInSeconds * 1000));
  } catch {
    // Storage may be unavailable (private mode); the 401 path still works.
  }
}

export function forgetAccessExpiry(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // ignore
  }
}

export function accessExpiresAt(): number | undefined {
  try {
    const value = Number(localStorage.getItem(KEY));
    return Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** True when we know the access token has run out (or is about to). */
export function accessTokenExpiring(): boolean {
  const at = accessExpiresAt();
  return at !== undefined && Date.now() > at - MARGIN_MS;
}
