import { badParam, notFound } from './errors.ts';
import { sha1Hex, storeBlob } from './ops-common.ts';
import { findVersion } from './ops-versions.ts';
import type { BoxStore } from './store.ts';
import type { Json } from './types.ts';

export type TamperAction =
  | { action: 'change-content'; fileId: string; bytes?: Buffer | string }
  | { action: 'delete-version'; fileId: string; versionId: string }
  | { action: 'restore-version'; fileId: string; versionId: string };

/**
 * Changes Box's state behind everyone's back: no event, no etag change, no webhook — what an audit trail
 * must detect.
 */
export function tamper(store: BoxStore, raw: unknown): Json {
  const t = (raw ?? {}) as Record<string, unknown>;
  const file = typeof t.fileId === 'string' ? store.files.get(t.fileId) : undefined;
  if (!file) throw notFound('Not Found: file');
  store.dirty = true;
  switch (t.action) {
    case 'change-content': {
      const current = findVersion(file, file.currentVersionId);
      const bytes =
        typeof t.bytes === 'string'
          ? Buffer.from(t.bytes, 'base64')
          : Buffer.isBuffer(t.bytes)
            ? t.bytes
            : Buffer.concat([store.blob(current.sha1), Buffer.from(`\n% altered ${store.rng.hex(8)}\n`)]);
      const before = current.sha1;
      const { sha1, size } = storeBlob(store, bytes);
      current.sha1 = sha1;
      current.size = size;
      return { fileId: file.id, versionId: current.id, sha1Before: before, sha1After: sha1Hex(bytes) };
    }
    case 'delete-version': {
      const v = findVersion(file, String(t.versionId));
      if (v.id === file.currentVersionId)
        throw badParam('versionId', 'the current version cannot be removed');
      file.versions = file.versions.filter((x) => x.id !== v.id);
      return { fileId: file.id, removedVersionId: v.id, sha1: v.sha1 };
    }
    case 'restore-version': {
      const v = findVersion(file, String(t.versionId));
      const before = file.currentVersionId;
      file.currentVersionId = v.id;
      return { fileId: file.id, currentVersionBefore: before, currentVersionId: v.id, sha1: v.sha1 };
    }
    default:
      throw badParam('action', 'action must be change-content, delete-version or restore-version');
  }
}
