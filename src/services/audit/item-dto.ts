/** The public shape of an audit set's items. */
import { z } from 'zod';

export const allowRuleSchema = z
  .object({
    itemId: z.string().regex(/^\d{1,20}$/, 'a Box id'),
    itemType: z.enum(['file', 'folder']),
    effect: z.enum(['include', 'exclude']),
    scope: z.enum(['subtree', 'item']),
  })
  .strict();

export const verificationStatusSchema = z
  .object({ result: z.string(), verifiedAt: z.string(), verificationId: z.string() })
  .nullable();

export const itemSchema = z.object({
  itemId: z.string(),
  type: z.enum(['file', 'folder']),
  name: z.string(),
  status: z.enum(['PENDING_BASELINE', 'MONITORED']),
  rules: z.array(allowRuleSchema),
  addedAt: z.string(),
  addedBy: z.string(),
  monitoredAt: z.string().nullable(),
  filesInBaseline: z.number().int().nullable(),
  live: z
    .object({
      name: z.string(),
      status: z.enum(['active', 'trashed', 'deleted']),
      modifiedAt: z.string().nullable(),
      size: z.number().nullable(),
      sha1: z.string().nullable(),
      path: z.array(z.string()),
    })
    .nullable(),
  verification: verificationStatusSchema,
});

export type ItemDto = z.infer<typeof itemSchema>;

export const childSchema = z.object({
  id: z.string(),
  type: z.enum(['file', 'folder']),
  name: z.string(),
  size: z.number().nullable(),
  sha1: z.string().nullable(),
  modifiedAt: z.string().nullable(),
  status: z.enum(['active', 'trashed', 'deleted']),
  /** For folders: the whole folder is allowed (not only some of its content). */
  fullyAllowed: z.boolean(),
  verification: verificationStatusSchema,
});
