/** The public shape of a user: never the password hash, TOTP secret or Box tokens. */
import { z } from 'zod';
import type { UserRow } from './identity-tables.ts';

export const roleSchema = z.enum(['AUDIT_ADMIN', 'GENERAL_USER', 'EXTERNAL_AUDITOR']);

export const userSchema = z.object({
  id: z.string().uuid(),
  orgId: z.string().uuid(),
  email: z.string(),
  name: z.string(),
  kind: z.enum(['box', 'external', 'local']),
  roles: z.array(roleSchema),
  auditorFirm: z.string().nullable(),
  language: z.enum(['en', 'ja']),
  totpEnabled: z.boolean(),
  disabled: z.boolean(),
  boxUserId: z.string().nullable(),
  isBoxEnterpriseAdmin: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});

export type UserDto = z.infer<typeof userSchema>;

export function toUserDto(u: UserRow): UserDto {
  return {
    id: u.id,
    orgId: u.org_id,
    email: u.email,
    name: u.name,
    kind: u.kind,
    roles: u.roles,
    auditorFirm: u.auditor_firm,
    language: u.language,
    totpEnabled: u.totp_enabled,
    disabled: u.disabled_at !== null,
    boxUserId: u.box_user_id,
    isBoxEnterpriseAdmin: u.box_role === 'admin',
    createdAt: u.created_at.toISOString(),
    lastLoginAt: u.last_login_at?.toISOString() ?? null,
  };
}
