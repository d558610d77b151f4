/** The public shapes of audit sets, collaborators and groups. */
import { z } from 'zod';

export const setRoleSchema = z.enum(['OWNER', 'CO_OWNER', 'MEMBER', 'REVIEWER']);

export const personSchema = z.object({ id: z.string(), name: z.string(), email: z.string() });

export const setSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  description: z.string(),
  owner: personSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deletedAt: z.string().nullable(),
  myRole: setRoleSchema.nullable(),
  /** For external auditors: NEW until they first open the set, then IN_REVIEW. */
  accessStatus: z.enum(['NEW', 'IN_REVIEW']).nullable(),
  favourite: z.boolean(),
  itemCount: z.number().int(),
});

export type SetDto = z.infer<typeof setSchema>;

export const collaboratorsSchema = z.object({
  collaborators: z.array(personSchema.extend({ role: setRoleSchema })),
  groups: z.array(z.object({ id: z.string().uuid(), name: z.string() })),
});

export const groupSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  description: z.string(),
  members: z.array(personSchema),
  setCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
