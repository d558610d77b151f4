/** Request and response schemas of the identity API (validated by Fastify, published as OpenAPI). */
import { z } from 'zod';
import { SCOPES } from '../../platform/auth/principal.ts';
import { roleSchema, userSchema } from './user-dto.ts';

export const emailSchema = z.string().trim().min(3).max(254).email();
/** Names: letters of any script, marks, digits, spaces and common punctuation; no control characters. */
export const nameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{M}\p{N} .,'’\-・ー()&]+$/u, "letters, digits, spaces and . , ' - ・ ー ( ) & only");
export const passwordSchema = z.string().min(1).max(1024);
/** A password being set: the policy (12–128 characters) answers PASSWORD_TOO_WEAK, so the schema only documents it. */
export const newPasswordSchema = passwordSchema.describe(
  '12 to 128 characters; shorter or longer answers 400 PASSWORD_TOO_WEAK',
);
export const languageSchema = z.enum(['en', 'ja']);
export const scopeSchema = z.enum(SCOPES);

export const loginBody = z.object({
  email: emailSchema,
  password: passwordSchema,
  totp: z.string().trim().max(10).optional(),
});

export const sessionResponse = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int(),
  refreshToken: z.string().optional(),
  csrfToken: z.string(),
  user: userSchema,
});

// Browsers refresh and log out with the cookie alone: no body at all (Fastify hands the schema null).
export const refreshBody = z.object({ refreshToken: z.string().min(10).max(200).optional() }).nullish();

export const resetRequestBody = z.object({ email: emailSchema });
export const resetBody = z.object({
  email: emailSchema,
  code: z.string().trim().min(4).max(32),
  newPassword: newPasswordSchema,
});
export const acceptInvitationBody = z.object({
  token: z.string().min(20).max(200),
  password: newPasswordSchema,
});

export const createUserBody = z
  .object({
    email: emailSchema,
    name: nameSchema,
    auditorFirm: z.string().trim().min(1).max(64).nullable().optional(),
    password: newPasswordSchema.optional(),
    invite: z.boolean().optional(),
    language: languageSchema.optional(),
  })
  .strict();

export const updateUserBody = z
  .object({
    name: nameSchema.optional(),
    email: emailSchema.optional(),
    auditorFirm: z.string().trim().min(1).max(64).nullable().optional(),
    language: languageSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .strict();

export const updateMeBody = z
  .object({ name: nameSchema.optional(), language: languageSchema.optional() })
  .strict();

export const rolesBody = z.object({ roles: z.array(roleSchema).min(1).max(2) }).strict();

export const listUsersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  role: roleSchema.optional(),
  kind: z.enum(['box', 'external', 'local']).optional(),
  q: z.string().trim().max(100).optional(),
  includeDisabled: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});

export const idParams = z.object({ id: z.string().uuid() });

export const createApiTokenBody = z
  .object({
    name: z.string().trim().min(1).max(64),
    scopes: z.array(scopeSchema).min(1).max(4),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

export const apiTokenSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  scopes: z.array(scopeSchema),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

export const organizationSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  kind: z.enum(['organization', 'auditor_firm']),
});
export const addFirmBody = z.object({ name: z.string().trim().min(1).max(64) }).strict();

export const meResponse = userSchema.extend({
  organization: z.object({ id: z.string().uuid(), name: z.string() }),
  scopes: z.array(scopeSchema),
});
