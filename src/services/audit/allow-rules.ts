/**
 * Allow-list rules (product.md F5.3). Adding a folder to an audit set stores the user's tri-state
 * choice as include/exclude rules: `subtree` covers a folder and everything below it, now and later;
 * `item` covers one item only. Whether an item is allowed is decided by the most specific rule on its
 * path: a rule on the item itself, else the nearest ancestor's subtree rule; no rule means not allowed.
 * Pure functions, shared by the audit and file services.
 */
import type { AllowRule, ItemType } from '../../platform/messaging/catalogue.ts';

export type { AllowRule };

export interface TopItem {
  itemId: string;
  itemType: ItemType;
  rules: AllowRule[];
  /** Ancestor ids (root first) of each rule's target, recorded when the rules were saved. */
  rulePaths?: Readonly<Record<string, readonly string[]>>;
}

/** The rules stored for a top-level item: a file allows itself; a folder without rules, everything. */
export function effectiveRules(item: TopItem): AllowRule[] {
  if (item.itemType === 'file')
    return [{ itemId: item.itemId, itemType: 'file', effect: 'include', scope: 'item' }];
  return item.rules.length > 0
    ? item.rules
    : [{ itemId: item.itemId, itemType: 'folder', effect: 'include', scope: 'subtree' }];
}

/**
 * Is `itemId` (whose ancestors, root first, are `ancestorIds`) allowed by `top`? The top item must be
 * the item itself or one of its ancestors; anything outside it is not allowed.
 */
export function isAllowed(top: TopItem, itemId: string, ancestorIds: readonly string[]): boolean {
  if (itemId !== top.itemId && !ancestorIds.includes(top.itemId)) return false;
  const rules = effectiveRules(top);
  const own = rules.filter((r) => r.itemId === itemId);
  if (own.length > 0)
    return own.some((r) => r.effect === 'include') && !own.some((r) => r.effect === 'exclude');
  // Nearest ancestor first, but never above the top item.
  const start = ancestorIds.indexOf(top.itemId);
  for (let i = ancestorIds.length - 1; i >= start && i >= 0; i--) {
    const id = ancestorIds[i];
    const subtree = rules.filter((r) => r.itemId === id && r.scope === 'subtree');
    if (subtree.length > 0) return subtree.every((r) => r.effect === 'include');
  }
  return false;
}

/**
 * Should a folder be shown when browsing a set? Yes if it is allowed itself, or if an include rule
 * targets something below it (a partially selected folder is shown, with only its allowed content).
 */
export function isFolderVisible(top: TopItem, folderId: string, ancestorIds: readonly string[]): boolean {
  if (isAllowed(top, folderId, ancestorIds)) return true;
  if (folderId !== top.itemId && !ancestorIds.includes(top.itemId)) return false;
  return effectiveRules(top).some(
    (r) =>
      r.effect === 'include' && r.itemId !== folderId && (top.rulePaths?.[r.itemId] ?? []).includes(folderId),
  );
}

/** Validates a rule set for a top-level folder: every rule must be the folder or inside it (checked by the caller with ancestry), no contradictions. */
export function contradictoryRules(rules: AllowRule[]): string[] {
  const seen = new Map<string, AllowRule['effect']>();
  const bad: string[] = [];
  for (const r of rules) {
    const key = `${r.itemId}:${r.scope}`;
    const prior = seen.get(key);
    if (prior && prior !== r.effect) bad.push(r.itemId);
    seen.set(key, r.effect);
  }
  return bad;
}
