/** Request and response schemas of the file API (product.md §6 Files). */
import { z } from 'zod';
import { cursorSchema, limitSchema } from '../../platform/pagination.ts';

export const boxIdSchema = z.string().regex(/^[0-9A-Za-z_-]{1,40}$/, 'a Box id');
export const idParams = z.object({ id: boxIdSchema });

/** `setId` picks the audit set whose rules apply (external auditors and set members). */
export const itemQuery = z.object({ setId: z.string().uuid().optional() });
export const pagedItemQuery = itemQuery.extend({ limit: limitSchema, cursor: cursorSchema });
export const copiesQuery = pagedItemQuery.extend({ versionId: boxIdSchema.optional() });
export const contentQuery = itemQuery.extend({ versionId: boxIdSchema.optional() });

const userRef = z.object({ id: z.string(), name: z.string(), login: z.string() });
const pathEntry = z.object({ id: z.string(), name: z.string() });
const status = z.enum(['active', 'trashed', 'deleted']);
const access = z.object({
  via: z.enum(['organisation', 'box', 'set']),
  setIds: z.array(z.string()),
});

export const fileDetailsSchema = z.object({
  id: z.string(),
  type: z.literal('file'),
  name: z.string(),
  description: z.string(),
  /** Folders from the top the caller may see down to the parent. */
  path: z.array(pathEntry),
  owner: userRef.nullable(),
  createdAt: z.string().nullable(),
  createdBy: userRef.nullable(),
  modifiedAt: z.string().nullable(),
  modifiedBy: userRef.nullable(),
  contentModifiedAt: z.string().nullable(),
  size: z.number().nullable(),
  sha1: z.string(),
  status,
  trashedAt: z.string().nullable(),
  currentVersion: z
    .object({
      id: z.string(),
      versionNumber: z.string().nullable(),
      sha1: z.string(),
      size: z.number().nullable(),
    })
    .nullable(),
  monitoring: z.object({
    monitored: z.boolean(),
    sets: z.array(z.object({ id: z.string(), name: z.string() })),
  }),
  access,
});

export const versionSchema = z.object({
  id: z.string(),
  versionNumber: z.string().nullable(),
  current: z.boolean(),
  sha1: z.string(),
  size: z.number().nullable(),
  createdAt: z.string().nullable(),
  modifiedAt: z.string().nullable(),
  modifiedBy: userRef.nullable(),
  uploaderDisplayName: z.string().nullable(),
  trashedAt: z.string().nullable(),
});

export const copySchema = z.object({
  fileId: z.string(),
  versionId: z.string(),
  name: z.string().nullable(),
  path: z.array(pathEntry),
  /** The copy's state when last read from Box; `unknown` when only an observation names it. */
  status: z.enum(['active', 'trashed', 'deleted', 'unknown']),
  /** The copy's current version has this sha1 (else an older version of it did). */
  currentVersion: z.boolean(),
  lastSeenAt: z.string(),
});

export const collaboratorSchema = z.object({
  /** Box collaboration id; null for the owner. */
  id: z.string().nullable(),
  role: z.string(),
  status: z.string(),
  accessibleBy: z
    .object({
      type: z.enum(['user', 'group']),
      id: z.string(),
      name: z.string(),
      login: z.string().nullable(),
    })
    .nullable(),
  inviteEmail: z.string().nullable(),
  createdAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
});

export const folderDetailsSchema = z.object({
  id: z.string(),
  type: z.literal('folder'),
  name: z.string(),
  description: z.string(),
  path: z.array(pathEntry),
  owner: userRef.nullable(),
  createdAt: z.string().nullable(),
  createdBy: userRef.nullable(),
  modifiedAt: z.string().nullable(),
  modifiedBy: userRef.nullable(),
  size: z.number().nullable(),
  status,
  access,
});

export const folderEntrySchema = z.object({
  id: z.string(),
  type: z.enum(['file', 'folder']),
  name: z.string(),
  size: z.number().nullable(),
  modifiedAt: z.string().nullable(),
  sha1: z.string().nullable(),
  versionId: z.string().nullable(),
  ownerId: z.string().nullable(),
  /** False for a folder shown only because something inside it is allowed (set browsing). */
  allowed: z.boolean(),
});
