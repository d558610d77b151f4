import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findItem } from './access.ts';
import { actCtx, authOf, type Deps, requireScope } from './context.ts';
import { BoxHttpError, badParam } from './errors.ts';
import { parseFields } from './fields.ts';
import { sha1Hex } from './ops-common.ts';
import { createFile, uploadVersion } from './ops-files.ts';
import { checkIfMatch, idParam, query, requireWrite, resolveTarget } from './route-helpers.ts';
import { fileFull } from './serialize-item.ts';

interface Upload {
  attributes: Record<string, unknown>;
  bytes: Buffer;
}

/** Box's multipart rules: an `attributes` JSON part, then the `file` part; `content-md5` carries the SHA-1. */
async function readUpload(req: FastifyRequest): Promise<Upload> {
  if (!req.isMultipart())
    throw new BoxHttpError(400, 'bad_request', 'Bad Request: expected multipart/form-data');
  let attributes: Record<string, unknown> | undefined;
  let bytes: Buffer | undefined;
  let metadataAfterFile = false;
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      const buf = await part.toBuffer();
      if (part.fieldname === 'file' || bytes === undefined) bytes = buf;
    } else if (part.fieldname === 'attributes') {
      if (bytes !== undefined) metadataAfterFile = true;
      try {
        attributes = JSON.parse(String(part.value));
      } catch {
        throw badParam('attributes', 'attributes must be JSON');
      }
    }
  }
  if (metadataAfterFile) {
    throw new BoxHttpError(
      400,
      'metadata_after_file_contents',
      'Metadata must be sent before the file contents in a multipart upload',
    );
  }
  if (!attributes || typeof attributes !== 'object')
    throw badParam('attributes', 'the attributes part is required');
  if (!bytes) throw badParam('file', 'the file part is required');
  const declared = req.headers['content-md5'];
  if (typeof declared === 'string' && declared.toLowerCase() !== sha1Hex(bytes)) {
    throw new BoxHttpError(
      400,
      'sha1_mismatch',
      'The SHA-1 in the content-md5 header does not match the uploaded content',
    );
  }
  return { attributes, bytes };
}

function optionalTime(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw badParam(name, `${name} must be an RFC 3339 date-time`);
  return ms;
}

export function registerUploadRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  app.post('/api/2.0/files/content', async (req, reply) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readwrite');
    const { attributes, bytes } = await readUpload(req);
    const parentId = resolveTarget(store, ctx.user, attributes.parent);
    const created = optionalTime(attributes.content_created_at, 'content_created_at');
    const modified = optionalTime(attributes.content_modified_at, 'content_modified_at');
    const file = createFile(store, actCtx(deps, req), {
      parentId,
      name: String(attributes.name ?? ''),
      bytes,
      ...(created !== undefined ? { contentCreatedMs: created } : {}),
      ...(modified !== undefined ? { contentModifiedMs: modified } : {}),
    });
    return reply
      .code(201)
      .send({ total_count: 1, entries: [fileFull(store, ctx.user, file, parseFields(query(req).fields))] });
  });

  app.post('/api/2.0/files/:id/content', async (req) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readwrite');
    const { item, access } = findItem(store, ctx.user, 'file', idParam(req));
    requireWrite(access);
    checkIfMatch(req, item);
    const { attributes, bytes } = await readUpload(req);
    const modified = optionalTime(attributes.content_modified_at, 'content_modified_at');
    uploadVersion(store, actCtx(deps, req), item, bytes, {
      ...(typeof attributes.name === 'string' ? { name: attributes.name } : {}),
      ...(modified !== undefined ? { contentModifiedMs: modified } : {}),
    });
    return { total_count: 1, entries: [fileFull(store, ctx.user, item, parseFields(query(req).fields))] };
  });
}
