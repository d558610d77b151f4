/**
 * Response headers of previews and downloads. Box content is user-supplied: a preview is inline only
 * for types a browser shows without running anything (PDF, common images, plain text — HTML, SVG
 * and the like are served as opaque bytes), with `nosniff` and a locked-down, sandboxed CSP; a
 * download is always an attachment. File names are sanitised for the quoted form and given in full
 * as RFC 5987 `filename*`.
 */
const INLINE_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/plain; charset=utf-8',
  log: 'text/plain; charset=utf-8',
  md: 'text/plain; charset=utf-8',
  json: 'text/plain; charset=utf-8',
};

export function previewType(name: string): string {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase() ?? '';
  return INLINE_TYPES[ext] ?? 'application/octet-stream';
}

export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_').slice(0, 200) || 'file';
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function contentHeaders(kind: 'preview' | 'download', name: string): Record<string, string> {
  const type = kind === 'preview' ? previewType(name) : 'application/octet-stream';
  return {
    'content-type': type,
    'content-disposition': contentDisposition(kind === 'preview' ? 'inline' : 'attachment', name),
    'accept-ranges': 'bytes',
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
    // Chrome's PDF viewer does not run in a sandboxed document; PDFs run no page script either way.
    'content-security-policy':
      type === 'application/pdf'
        ? "default-src 'none'; object-src 'self'; frame-ancestors 'self'"
        : "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox",
  };
}
