import type { FastifyInstance, FastifyReply } from 'fastify';
import { canDownload, findItem } from './access.ts';
import { actCtx, authOf, type Deps, requireScope } from './context.ts';
import { BoxHttpError, forbidden, notFound } from './errors.ts';
import { randomToken } from './oauth.ts';
import { recordDownload } from './ops-files.ts';
import { findVersion } from './ops-versions.ts';
import { idParam, query } from './route-helpers.ts';
import { currentVersion } from './serialize-item.ts';

export const DOWNLOAD_URL_TTL_MS = 15 * 60_000;

/** Serves `bytes` honouring a single `Range: bytes=a-b | a- | -n`. */
export function sendWithRange(
  reply: FastifyReply,
  bytes: Buffer,
  range: string | undefined,
  fileName: string,
): FastifyReply {
  reply
    .header('accept-ranges', 'bytes')
    .header('content-type', 'application/octet-stream')
    .header(
      'content-disposition',
      `attachment; filename="${fileName.replace(/["\\\r\n]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    );
  const m = range ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return reply.code(200).send(bytes);
  const size = bytes.length;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) {
    return reply.code(416).header('content-range', `bytes */${size}`).send();
  }
  return reply
    .code(206)
    .header('content-range', `bytes ${start}-${end}/${size}`)
    .send(bytes.subarray(start, end + 1));
}

export function registerContentRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  /** 302 to a short-lived, same-origin download URL (Box: dl.boxcloud.com). */
  app.get('/2.0/files/:id/content', async (req, reply) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readonly');
    const { item, access } = findItem(store, ctx.user, 'file', idParam(req));
    if (!canDownload(access)) throw forbidden();
    const versionId = query(req).version;
    const version = versionId ? findVersion(item, versionId) : currentVersion(item);
    if (version.trashedMs !== null) throw notFound('Not Found: the file version is trashed');
    const now = deps.clock.now().getTime();
    for (const [k, d] of deps.downloads) if (d.expiresMs < now) deps.downloads.delete(k);
    const token = randomToken(40);
    deps.downloads.set(token, {
      fileId: item.id,
      versionId: version.id,
      expiresMs: now + DOWNLOAD_URL_TTL_MS,
    });
    recordDownload(store, actCtx(deps, req), item, version);
    return reply.redirect(`${deps.publicUrl()}/d/1/${token}/download`, 302);
  });

  /** The download URL itself: pre-signed, so no Authorization needed; supports Range. */
  app.get('/d/1/:token/download', async (req, reply) => {
    const d = deps.downloads.get((req.params as { token: string }).token);
    if (!d || d.expiresMs < deps.clock.now().getTime())
      throw new BoxHttpError(404, 'not_found', 'Not Found: the download URL expired');
    const file = store.files.get(d.fileId);
    if (!file) throw notFound();
    const version = findVersion(file, d.versionId);
    const range = req.headers.range;
    return sendWithRange(
      reply,
      store.blob(version.sha1),
      typeof range === 'string' ? range : undefined,
      version.name,
    );
  });
}
