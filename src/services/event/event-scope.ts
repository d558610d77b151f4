/**
 * Who may search what (product.md F3.5): audit admins everything in their organisation; general users
 * the events of items in audit sets they collaborate on; external auditors the events of items allowed
 * to them in sets assigned to them. The audit service decides the scope (its sets and rules), the file
 * service resolves it to the known item ids, and the search runs on those ids. The folder filter
 * (with descendants) and the audit-set filter narrow the same way.
 */

import type { ServiceClients } from '../../platform/service-module.ts';
import type { Requester } from '../audit/audit-client.ts';

/** `undefined`: no restriction; an array (possibly empty): only these item ids. */
export type ItemRestriction = string[] | undefined;

function intersect(a: ItemRestriction, b: ItemRestriction): ItemRestriction {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const set = new Set(b);
  return a.filter((x) => set.has(x));
}

export async function itemRestriction(
  clients: Pick<ServiceClients, 'audit' | 'file'>,
  user: Requester,
  q: { folder?: string | undefined; auditSet?: string | undefined; item?: string[] | undefined },
): Promise<ItemRestriction> {
  const scope = await clients.audit().searchScope(user, q.auditSet ? { setId: q.auditSet } : undefined);
  let allowed: ItemRestriction = scope.all
    ? undefined
    : await clients.file().allowedItemIds(user.orgId, scope.tops);
  if (q.folder)
    allowed = intersect(allowed, [q.folder, ...(await clients.file().descendants(user.orgId, q.folder))]);
  return intersect(allowed, q.item);
}
