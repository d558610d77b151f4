/** The one cookie scripts may read: the CSRF token the server sets at sign-in (double submit). */
export const CSRF_COOKIE = 'afb_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

export function csrfToken(): string | undefined {
  return readCookie(CSRF_COOKIE);
}

/** A browser session may exist only while the CSRF cookie does (it is set and cleared with it). */
export function mayHaveSession(): boolean {
  return csrfToken() !== undefined;
}

/** Forgets the CSRF cookie locally (when the server could not be told about a sign-out). */
export function dropCsrfCookie(): void {
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is not in every browser we support; this fixed string needs no escaping.
  document.cookie = `${CSRF_COOKIE}=; Max-Age=0; Path=/; SameSite=Strict`;
}
