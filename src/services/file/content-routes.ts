/**
 * Preview and download (product.md F4.6): the bytes are streamed from Box through this service —
 * no Box token or Box URL ever reaches the browser — after the item is authorised like every other
 * file route, with HTTP Range support. Each preview and download is recorded server-side in the
 * audit service's access log before the first byte is sent (F5.8); if it cannot be recorded,
 * nothing is sent.
 */
import type { Readable } from 'node:stream';
import { BoxError, boxErrorToAppError } from '../../box/box-errors.ts';
import type { DownloadResponse } from '../../box/box-model.ts';
import { AppError, isAppError, notFound, serviceUnavailable } from '../../platform/errors.ts';
import { userOf } from '../../platform/http/authenticate.ts';
import { SIGNED_IN } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import type { AuditClient } from '../audit/audit-client.ts';
import { decideRange, sliceBytes } from './byte-range.ts';
import { contentHeaders } from './content-headers.ts';
import { contentQuery, idParams } from './file-schemas.ts';
import type { ItemAccess } from './item-access.ts';
import type { ItemViews } from './item-views.ts';

const tags = ['files'];

const unsatisfiable = (size: number) =>
  new AppError('RANGE_NOT_SATISFIABLE', { status: 416, headers: { 'content-range': `bytes */${size}` } });

export function registerContentRoutes(
  app: App,
  d: { access: ItemAccess; views: ItemViews; audit: () => AuditClient },
): void {
  for (const kind of ['download', 'preview'] as const) {
    app.get(
      `/api/v1/files/:id/${kind === 'download' ? 'content' : 'preview'}`,
      {
        // HEAD would reach Box and the access log like a GET; there is nothing to gain from it.
        exposeHeadRoute: false,
        config: { auth: SIGNED_IN, stream: true },
        schema: {
          tags,
          summary:
            kind === 'download'
              ? 'Download the file (or one version), streamed from Box; supports Range'
              : 'Show the file inline, streamed from Box; supports Range',
          params: idParams,
          querystring: contentQuery,
        },
      },
      async (request, reply) => {
        const user = userOf(request);
        const q = request.query;
        const grant = await d.access.authorize(
          user,
          { itemType: 'file', itemId: request.params.id },
          { setId: q.setId },
        );
        const file = await d.views.file(grant);
        if (file.itemStatus !== 'active') throw notFound('FILE_NOT_FOUND');
        let size = file.size;
        if (q.versionId && q.versionId !== file.versionId) {
          const version = (await d.views.versions(grant)).find((v) => v.id === q.versionId);
          if (!version || version.trashedAt) throw notFound('FILE_NOT_FOUND');
          size = version.size;
        }
        const range = size === null ? { kind: 'full' as const } : decideRange(request.headers.range, size);
        if (range.kind === 'unsatisfiable') throw unsatisfiable(size ?? 0);

        let box: DownloadResponse;
        try {
          box = await grant.box.download(
            file.id,
            {
              ...(q.versionId ? { version: q.versionId } : {}),
              ...(range.kind === 'partial' ? { range: `bytes=${range.start}-${range.end}` } : {}),
            },
            grant.asUser ? { asUser: grant.asUser } : undefined,
          );
        } catch (err) {
          if (err instanceof BoxError && err.status === 416) throw unsatisfiable(size ?? 0);
          if (err instanceof BoxError) throw boxErrorToAppError(err);
          throw err;
        }
        const body = box.body as Readable;
        try {
          await d.audit().logAccess({
            orgId: user.orgId,
            userId: user.userId,
            itemId: file.id,
            itemType: 'file',
            setId: grant.logSetId,
            action: kind === 'download' ? 'DOWNLOAD' : 'PREVIEW',
          });
        } catch (err) {
          body.destroy();
          // An access that cannot be recorded is not served (F5.8); the caller may try again.
          throw isAppError(err) ? err : serviceUnavailable('UPSTREAM_UNAVAILABLE', { cause: err });
        }

        reply.headers(contentHeaders(kind, file.name));
        const header = (n: string) => box.headers[n] ?? box.headers[n.toLowerCase()];
        if (range.kind === 'partial') {
          // Box honoured the range (206; its Content-Range is the truth if the bytes changed since the
          // metadata was read) or sent everything (200), which we cut to the range.
          const honoured = box.status === 206;
          reply
            .status(206)
            .header(
              'content-range',
              (honoured && header('content-range')) || `bytes ${range.start}-${range.end}/${size}`,
            )
            .header(
              'content-length',
              (honoured && header('content-length')) || String(range.end - range.start + 1),
            );
          return reply.send(honoured ? body : body.pipe(sliceBytes(range.start, range.end)));
        }
        const length = header('content-length');
        if (length) reply.header('content-length', length);
        return reply.status(200).send(body);
      },
    );
  }
}
