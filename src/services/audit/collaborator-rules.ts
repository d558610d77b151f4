/**
 * Who may hold which role in a set (product.md §2): CO_OWNER — audit admins; MEMBER — general users
 * (Box users); REVIEWER — external auditors. One role per person per set; exactly one OWNER, changed
 * only by transferring ownership to a co-owner.
 */
import { badRequest } from '../../platform/errors.ts';
import type { Role, SetRole } from '../../platform/messaging/catalogue.ts';
import type { UserSummary } from '../identity/identity-client.ts';

export interface CollaboratorInput {
  userId: string;
  role: Exclude<SetRole, 'OWNER'>;
}

const REQUIRED_ROLE: Record<Exclude<SetRole, 'OWNER'>, Role> = {
  CO_OWNER: 'AUDIT_ADMIN',
  MEMBER: 'GENERAL_USER',
  REVIEWER: 'EXTERNAL_AUDITOR',
};

export function eligibleFor(
  role: Exclude<SetRole, 'OWNER'>,
  user: Pick<UserSummary, 'roles' | 'active'>,
): boolean {
  return user.active && user.roles.includes(REQUIRED_ROLE[role]);
}

export function validateCollaborators(
  input: CollaboratorInput[],
  users: Map<string, UserSummary>,
  o: { orgId: string; ownerId: string | null },
): void {
  const seen = new Set<string>();
  for (const c of input) {
    if (seen.has(c.userId) || c.userId === o.ownerId)
      throw badRequest('COLLABORATOR_DUPLICATE', { details: { userId: c.userId } });
    seen.add(c.userId);
    const u = users.get(c.userId);
    if (!u || u.orgId !== o.orgId || !eligibleFor(c.role, u)) {
      throw badRequest('COLLABORATOR_NOT_ELIGIBLE', {
        params: { role: c.role },
        details: { userId: c.userId, role: c.role },
      });
    }
  }
}
