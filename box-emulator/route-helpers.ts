import type { FastifyRequest } from 'fastify';
import { type Access, accessOf, canRead, canUploadInto, canWrite, findItem } from './access.ts';
import { BoxHttpError, badParam, forbidden, notFound } from './errors.ts';
import type { BoxStore } from './store.ts';
import type { ItemRec, UserRec } from './types.ts';

export type Query = Record<string, string | undefined>;
export const idParam = (req: FastifyRequest): string => (req.params as { id: string }).id;
export const query = (req: FastifyRequest): Query => req.query as Query;
export const body = (req: FastifyRequest): Record<string, unknown> =>
  (req.body ?? {}) as Record<string, unknown>;

export function requireRead(access: Access): void {
  if (!canRead(access)) throw forbidden();
}

export function requireWrite(access: Access): void {
  if (!canWrite(access)) throw forbidden();
}

/** `if-match` on writes: 412 when the item changed since the caller read it. */
export function checkIfMatch(req: FastifyRequest, item: ItemRec): void {
  const want = req.headers['if-match'];
  if (typeof want === 'string' && want !== '' && want !== String(item.etag)) {
    throw new BoxHttpError(
      412,
      'precondition_failed',
      'The resource has been modified. Please retrieve the resource again and retry',
    );
  }
}

/** `if-none-match` on reads: true when the caller's copy is current (answer 304). */
export const notModified = (req: FastifyRequest, item: ItemRec): boolean =>
  req.headers['if-none-match'] === String(item.etag);

/**
 * Where new or moved content goes: folder "0" is the user's own root. The user needs upload rights in the
 * target folder.
 */
export function resolveTarget(store: BoxStore, user: UserRec, parent: unknown): string | null {
  const id = (parent as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || id === '') throw badParam('parent', 'parent.id is required');
  if (id === '0') return null;
  const folder = store.folders.get(id);
  if (!folder) throw notFound('Not Found: parent folder');
  const { access } = findItem(store, user, 'folder', id);
  if (!canUploadInto(access)) throw forbidden();
  return folder.id;
}

export function accessOrThrow(store: BoxStore, user: UserRec, item: ItemRec): Access {
  const access = accessOf(store, user, item);
  if (access === null) throw notFound();
  return access;
}
