/** Request schemas of the audit API. */
import { z } from 'zod';
import { allowRuleSchema } from './item-dto.ts';

export const setIdParams = z.object({ id: z.string().uuid() });
export const setItemParams = z.object({
  id: z.string().uuid(),
  itemId: z.string().regex(/^\d{1,20}$/, 'a Box id'),
});
export const boxItemParams = z.object({ itemId: z.string().regex(/^\d{1,20}$/, 'a Box id') });

export const setNameSchema = z.string().trim().min(1).max(64);
export const descriptionSchema = z.string().trim().max(1000);

export const collaboratorInput = z
  .object({ userId: z.string().uuid(), role: z.enum(['CO_OWNER', 'MEMBER', 'REVIEWER']) })
  .strict();

export const createSetBody = z
  .object({
    name: setNameSchema,
    description: descriptionSchema.optional(),
    collaborators: z.array(collaboratorInput).max(500).optional(),
    groups: z.array(z.string().uuid()).max(100).optional(),
  })
  .strict();

export const updateSetBody = z
  .object({ name: setNameSchema.optional(), description: descriptionSchema.optional() })
  .strict();

export const collaboratorsBody = z
  .object({ collaborators: z.array(collaboratorInput).max(500), groups: z.array(z.string().uuid()).max(100) })
  .strict();

export const ownerBody = z.object({ userId: z.string().uuid() }).strict();
export const favouriteBody = z.object({ favourite: z.boolean() }).strict();

export const listSetsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  q: z.string().trim().max(64).optional(),
  filter: z.enum(['all', 'new', 'in_review', 'favourites', 'deleted']).default('all'),
});

export const addItemBody = z
  .object({
    itemId: z.string().regex(/^\d{1,20}$/, 'a Box id'),
    type: z.enum(['file', 'folder']),
    rules: z.array(allowRuleSchema).max(2000).optional(),
  })
  .strict();

export const updateItemBody = z.object({ rules: z.array(allowRuleSchema).max(2000) }).strict();

export const childrenQuery = z.object({
  folderId: z
    .string()
    .regex(/^\d{1,20}$/, 'a Box id')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  cursor: z.string().max(1000).optional(),
});

export const itemSetsBody = z
  .object({
    type: z.enum(['file', 'folder']),
    add: z.array(z.string().uuid()).max(100),
    remove: z.array(z.string().uuid()).max(100),
  })
  .strict();

export const accessLogQuery = z.object({
  itemId: z
    .string()
    .regex(/^\d{1,20}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(500).optional(),
});

export const groupBody = z
  .object({
    name: z.string().trim().min(1).max(64),
    description: descriptionSchema.optional(),
    memberIds: z.array(z.string().uuid()).max(1000),
  })
  .strict();

export const updateGroupBody = z
  .object({
    name: z.string().trim().min(1).max(64).optional(),
    description: descriptionSchema.optional(),
    memberIds: z.array(z.string().uuid()).max(1000).optional(),
  })
  .strict();
