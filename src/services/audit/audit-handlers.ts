/**
 * Keeping audit data consistent with other services' facts (product.md F5.9): a deleted user leaves
 * no collaborator or group membership behind (ownership passes to a co-owner); a user who loses a role
 * loses the set roles that required it; baselines and verification results update item status.
 */
import type { Envelope, MessagePayloads } from '../../platform/messaging/catalogue.ts';
import type { MessageHandler } from '../../platform/messaging/receiver.ts';
import type { AuditDeps } from './audit-deps.ts';
import type { AuditTrx } from './audit-tables.ts';

async function announceCollaborators(
  d: AuditDeps,
  trx: AuditTrx,
  setIds: string[],
  actorId: string | null,
): Promise<void> {
  for (const setId of setIds) {
    const set = await trx
      .selectFrom('audit.sets')
      .select(['org_id'])
      .where('id', '=', setId)
      .executeTakeFirst();
    if (!set) continue;
    const rows = await trx
      .selectFrom('audit.collaborators')
      .select(['user_id', 'role'])
      .where('set_id', '=', setId)
      .execute();
    const groups = await trx
      .selectFrom('audit.set_groups')
      .select('group_id')
      .where('set_id', '=', setId)
      .execute();
    await d.publish(trx, {
      topic: 'audit.collaborators_changed',
      key: setId,
      payload: {
        v: 1,
        orgId: set.org_id,
        actorId,
        setId,
        collaborators: rows.map((r) => ({ userId: r.user_id, role: r.role })),
        groupIds: groups.map((g) => g.group_id),
      },
    });
  }
}

async function removeUser(
  d: AuditDeps,
  trx: AuditTrx,
  userId: string,
  actorId: string | null,
): Promise<void> {
  const memberships = await trx
    .selectFrom('audit.collaborators')
    .select(['set_id', 'role'])
    .where('user_id', '=', userId)
    .execute();
  for (const m of memberships.filter((x) => x.role === 'OWNER')) {
    // The earliest co-owner inherits the set; with none, an audit admin assigns a new owner.
    const heir = await trx
      .selectFrom('audit.collaborators')
      .select('user_id')
      .where('set_id', '=', m.set_id)
      .where('role', '=', 'CO_OWNER')
      .orderBy('added_at')
      .limit(1)
      .executeTakeFirst();
    if (heir)
      await trx
        .updateTable('audit.collaborators')
        .set({ role: 'OWNER' })
        .where('set_id', '=', m.set_id)
        .where('user_id', '=', heir.user_id)
        .execute();
    await trx
      .updateTable('audit.sets')
      .set({ owner_id: heir?.user_id ?? null, updated_at: d.clock.now() })
      .where('id', '=', m.set_id)
      .execute();
  }
  await trx.deleteFrom('audit.collaborators').where('user_id', '=', userId).execute();
  const groups = await trx
    .deleteFrom('audit.group_members')
    .where('user_id', '=', userId)
    .returning('group_id')
    .execute();
  await trx.deleteFrom('audit.favourites').where('user_id', '=', userId).execute();
  await trx.deleteFrom('audit.set_openings').where('user_id', '=', userId).execute();
  await announceCollaborators(d, trx, [...new Set(memberships.map((m) => m.set_id))], actorId);
  for (const g of new Set(groups.map((x) => x.group_id))) {
    const group = await trx
      .selectFrom('audit.groups')
      .select(['org_id'])
      .where('id', '=', g)
      .executeTakeFirst();
    const members = await trx
      .selectFrom('audit.group_members')
      .select('user_id')
      .where('group_id', '=', g)
      .execute();
    if (group) {
      await d.publish(trx, {
        topic: 'audit.group_changed',
        key: g,
        payload: {
          v: 1,
          orgId: group.org_id,
          actorId,
          groupId: g,
          change: 'updated',
          memberIds: members.map((m) => m.user_id),
        },
      });
    }
  }
}

export function createIdentityHandler(d: AuditDeps): MessageHandler {
  return {
    subscriber: 'audit.identity',
    async handle(messages: Envelope[], t) {
      const trx = t as AuditTrx;
      for (const m of messages) {
        if (m.topic === 'identity.user_deleted') {
          const p = m.payload as MessagePayloads['identity.user_deleted'];
          await removeUser(d, trx, p.userId, p.actorId ?? null);
        } else if (m.topic === 'identity.roles_changed') {
          const p = m.payload as MessagePayloads['identity.roles_changed'];
          const drop: string[] = [];
          if (!p.roles.includes('AUDIT_ADMIN')) drop.push('CO_OWNER');
          if (!p.roles.includes('GENERAL_USER')) drop.push('MEMBER');
          if (drop.length === 0) continue;
          const removed = await trx
            .deleteFrom('audit.collaborators')
            .where('user_id', '=', p.userId)
            .where('role', 'in', drop as ('CO_OWNER' | 'MEMBER')[])
            .returning('set_id')
            .execute();
          await announceCollaborators(d, trx, [...new Set(removed.map((r) => r.set_id))], p.actorId ?? null);
        }
      }
    },
  };
}

export function createVerificationHandler(_d: AuditDeps): MessageHandler {
  return {
    subscriber: 'audit.verification',
    async handle(messages: Envelope[], t) {
      const trx = t as AuditTrx;
      for (const m of messages) {
        if (m.topic === 'verification.baseline_recorded') {
          const p = m.payload as MessagePayloads['verification.baseline_recorded'];
          await trx
            .updateTable('audit.items')
            .set({ status: 'MONITORED', monitored_at: new Date(m.createdAt), files_in_baseline: p.files })
            .where('set_id', '=', p.setId)
            .where('item_id', '=', p.itemId)
            .execute();
        } else if (m.topic === 'verification.completed') {
          const p = m.payload as MessagePayloads['verification.completed'];
          const at = new Date(m.createdAt);
          await trx
            .insertInto('audit.file_status')
            .values({
              org_id: p.orgId,
              file_id: p.fileId,
              last_result: p.result,
              verification_id: p.verificationId,
              verified_at: at,
            })
            .onConflict((oc) =>
              oc
                .columns(['org_id', 'file_id'])
                .doUpdateSet({ last_result: p.result, verification_id: p.verificationId, verified_at: at })
                // A result delivered late never overwrites a newer one.
                .where('audit.file_status.verified_at', '<', at),
            )
            .execute();
        }
      }
    },
  };
}
