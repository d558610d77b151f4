/**
 * The tri-state allow-list choice of a folder added to an audit set, and its conversion to the API's
 * include/exclude rules (product.md F5.3; semantics in src/services/audit/allow-rules.ts).
 *
 * The choice is kept as *marks*: the nodes whose own checked state differs from their parent's (the
 * top folder's parent counts as unchecked). A node's state is that of its nearest marked ancestor or
 * itself; a folder shows as partial ("mixed") when a mark lies strictly below it. Marks are exactly
 * the rules to send:
 *
 *  - a checked node under an unchecked (or partial-but-unchecked) parent → include
 *    (folder: `subtree`, file: `item`);
 *  - an unchecked node under a checked parent → exclude (same scopes);
 *  - a fully checked folder needs only its own rule (its descendants carry no marks);
 *  - an all-checked top folder is sent with no rules at all ("a folder without rules = all of it").
 *
 * Every operation works on the marks and the ancestry of the nodes involved, never on the whole tree,
 * so a tree with thousands of loaded nodes costs nothing extra per click. No DOM, no React: shared
 * with the tests (test/web/allow-selection.test.ts), which check it against the server's rules.
 */

export type NodeType = 'file' | 'folder';

export interface AllowRuleShape {
  itemId: string;
  itemType: NodeType;
  effect: 'include' | 'exclude';
  scope: 'subtree' | 'item';
}

/** A node of the tree: its ancestors run from the top folder (inclusive) down to its parent. */
export interface TreeNode {
  id: string;
  type: NodeType;
  name: string;
  ancestors: readonly string[];
}

export interface AllowSelection {
  top: TreeNode;
  /** Node id → its own checked state, only where it differs from the parent's. */
  marks: ReadonlyMap<string, boolean>;
  /** What is known about each marked node (type, name, ancestry), loaded or not. */
  nodes: ReadonlyMap<string, TreeNode>;
}

export type CheckState = 'checked' | 'unchecked' | 'mixed';

/** A new choice over a folder: everything (the default when adding a folder) or nothing. */
export function newSelection(top: TreeNode, everything = true): AllowSelection {
  const topNode = { ...top, ancestors: [] };
  return {
    top: topNode,
    marks: everything ? new Map([[top.id, true]]) : new Map(),
    nodes: new Map([[top.id, topNode]]),
  };
}

/** The checked state a node has (its own mark, else its nearest marked ancestor's; default off). */
export function isChecked(sel: AllowSelection, node: Pick<TreeNode, 'id' | 'ancestors'>): boolean {
  const own = sel.marks.get(node.id);
  if (own !== undefined) return own;
  return inherited(sel, node.ancestors);
}

function inherited(sel: AllowSelection, ancestors: readonly string[]): boolean {
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const mark = sel.marks.get(ancestors[i]!);
    if (mark !== undefined) return mark;
  }
  return false;
}

/** Folders with a mark strictly below them: they show as partial. O(marks × depth). */
export function partialFolders(sel: AllowSelection): Set<string> {
  const out = new Set<string>();
  for (const id of sel.marks.keys()) {
    for (const a of sel.nodes.get(id)?.ancestors ?? []) out.add(a);
  }
  return out;
}

export function checkState(
  sel: AllowSelection,
  node: Pick<TreeNode, 'id' | 'ancestors' | 'type'>,
  partial: ReadonlySet<string>,
): CheckState {
  if (node.type === 'folder' && partial.has(node.id)) return 'mixed';
  return isChecked(sel, node) ? 'checked' : 'unchecked';
}

/**
 * Checks or unchecks a node with everything below it (loaded or not): marks below it go, and its
 * own mark stays only if it now differs from its parent.
 */
export function setChecked(sel: AllowSelection, node: TreeNode, checked: boolean): AllowSelection {
  const marks = new Map(sel.marks);
  const nodes = new Map(sel.nodes);
  for (const id of sel.marks.keys()) {
    if (id !== node.id && sel.nodes.get(id)?.ancestors.includes(node.id)) {
      marks.delete(id);
      if (id !== sel.top.id) nodes.delete(id);
    }
  }
  if (checked === inherited(sel, node.ancestors)) {
    marks.delete(node.id);
    if (node.id !== sel.top.id) nodes.delete(node.id);
  } else {
    marks.set(node.id, checked);
    nodes.set(node.id, node);
  }
  return { ...sel, marks, nodes };
}

/** What a click does: a checked node is unchecked; an unchecked or partial one is fully checked. */
export function toggle(sel: AllowSelection, node: TreeNode): AllowSelection {
  const state = checkState(sel, node, partialFolders(sel));
  return setChecked(sel, node, state !== 'checked');
}

/** Whether anything at all is selected (else there is nothing to add). */
export function hasSelection(sel: AllowSelection): boolean {
  for (const v of sel.marks.values()) if (v) return true;
  return false;
}

/** Only the top folder, fully checked: the API takes that as "no rules" (all of it, now and later). */
export function isEverything(sel: AllowSelection): boolean {
  return sel.marks.size === 1 && sel.marks.get(sel.top.id) === true;
}

/** The rules for the API, top-down (ancestors before descendants), or [] for "everything". */
export function selectionToRules(sel: AllowSelection): AllowRuleShape[] {
  if (isEverything(sel)) return [];
  return [...sel.marks.entries()]
    .map(([id, checked]) => {
      const node = sel.nodes.get(id);
      if (!node) throw new Error(`allow-list: no node for mark ${id}`);
      return { node, checked };
    })
    .sort((a, b) => a.node.ancestors.length - b.node.ancestors.length || a.node.id.localeCompare(b.node.id))
    .map(({ node, checked }) => ({
      itemId: node.id,
      itemType: node.type,
      effect: checked ? 'include' : 'exclude',
      scope: node.type === 'folder' ? 'subtree' : 'item',
    }));
}

export interface RulesReading {
  selection: AllowSelection;
  /** Rules the tree cannot show exactly (a folder's `item` scope, contradictions, targets outside). */
  unsupported: AllowRuleShape[];
}

/**
 * Pre-checks the tree from an item's stored rules. `nodes` gives the type, name and ancestry of each
 * rule's target (the caller resolves them); no rules means the whole folder.
 */
export function selectionFromRules(
  top: TreeNode,
  rules: readonly AllowRuleShape[],
  nodes: ReadonlyMap<string, TreeNode>,
): RulesReading {
  if (rules.length === 0) return { selection: newSelection(top, true), unsupported: [] };
  const unsupported: AllowRuleShape[] = [];
  const wanted = new Map<string, { node: TreeNode; checked: boolean }>();
  for (const rule of rules) {
    const node = rule.itemId === top.id ? { ...top, ancestors: [] } : nodes.get(rule.itemId);
    const scopeFits = rule.itemType === 'folder' ? rule.scope === 'subtree' : rule.scope === 'item';
    const inside = node && (node.id === top.id || node.ancestors[0] === top.id);
    const prior = wanted.get(rule.itemId);
    if (!node || !inside || !scopeFits || (prior && prior.checked !== (rule.effect === 'include'))) {
      unsupported.push(rule);
      continue;
    }
    wanted.set(rule.itemId, { node: { ...node, type: rule.itemType }, checked: rule.effect === 'include' });
  }
  // Apply top-down, so each mark is judged against its (already marked) ancestors: redundant rules
  // (same effect as inherited) simply disappear.
  let selection = newSelection(top, false);
  const ordered = [...wanted.values()].sort((a, b) => a.node.ancestors.length - b.node.ancestors.length);
  for (const { node, checked } of ordered) {
    const marks = new Map(selection.marks);
    const known = new Map(selection.nodes);
    if (checked !== inherited(selection, node.ancestors)) {
      marks.set(node.id, checked);
      known.set(node.id, node);
    }
    selection = { ...selection, marks, nodes: known };
  }
  return { selection, unsupported };
}
