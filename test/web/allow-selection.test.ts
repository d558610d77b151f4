/**
 * The web app's tri-state allow-list tree (web/src/features/allow-list/allow-selection.ts): random
 * clicks over seeded generated trees give rules that the server's own rule engine
 * (src/services/audit/allow-rules.ts) reads exactly as the tree shows them, with the fewest rules;
 * reading the rules back pre-checks the same tree; and the named cases of the conversion hold.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAllowed, isFolderVisible, type TopItem } from '../../src/services/audit/allow-rules.ts';
import {
  type AllowSelection,
  checkState,
  hasSelection,
  newSelection,
  partialFolders,
  selectionFromRules,
  selectionToRules,
  setChecked,
  type TreeNode,
  toggle,
} from '../../web/src/features/allow-list/allow-selection.ts';

/** A seeded PRNG (mulberry32): the same trees every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface GenNode extends TreeNode {
  children: GenNode[];
}

function generateTree(random: () => number, size: number): GenNode[] {
  let next = 1000;
  const root: GenNode = { id: String(next++), type: 'folder', name: 'top', ancestors: [], children: [] };
  const nodes = [root];
  const folders = [root];
  while (nodes.length < size) {
    const parent = folders[Math.floor(random() * folders.length)]!;
    const type = random() < 0.35 ? 'folder' : 'file';
    const node: GenNode = {
      id: String(next++),
      type,
      name: `n${next}`,
      ancestors: [...parent.ancestors, parent.id],
      children: [],
    };
    parent.children.push(node);
    nodes.push(node);
    if (type === 'folder') folders.push(node);
  }
  return nodes;
}

/** What the tree shows, computed the slow way: each node's state from its whole subtree. */
function shownState(sel: AllowSelection, n: GenNode): 'checked' | 'unchecked' | 'mixed' {
  const values = new Set<boolean>();
  const walk = (m: GenNode) => {
    const own = sel.marks.get(m.id);
    const v =
      own ??
      [...m.ancestors]
        .reverse()
        .map((a) => sel.marks.get(a))
        .find((x) => x !== undefined) ??
      false;
    values.add(v);
    for (const c of m.children) walk(c);
  };
  walk(n);
  return values.size === 2 ? 'mixed' : values.has(true) ? 'checked' : 'unchecked';
}

function topOf(
  root: GenNode,
  rules: ReturnType<typeof selectionToRules>,
  byId: Map<string, GenNode>,
): TopItem {
  return {
    itemId: root.id,
    itemType: 'folder',
    rules,
    rulePaths: Object.fromEntries(rules.map((r) => [r.itemId, byId.get(r.itemId)!.ancestors])),
  };
}

test('random clicks give rules the server reads exactly as the tree shows them, and no more rules than needed', () => {
  const random = prng(20261130);
  for (let round = 0; round < 300; round++) {
    const nodes = generateTree(random, 3 + Math.floor(random() * 120));
    const root = nodes[0]!;
    const byId = new Map(nodes.map((n) => [n.id, n]));
    let sel = newSelection(root, random() < 0.5);
    for (let i = 0; i < 1 + Math.floor(random() * 8); i++) {
      sel = toggle(sel, nodes[Math.floor(random() * nodes.length)]!);
    }
    const partial = partialFolders(sel);
    for (const n of nodes) {
      assert.equal(checkState(sel, n, partial), shownState(sel, n), `round ${round}: state of ${n.id}`);
    }
    if (!hasSelection(sel)) {
      assert.ok(
        nodes.every((n) => shownState(sel, n) === 'unchecked'),
        'nothing selected shows nothing',
      );
      continue;
    }
    const rules = selectionToRules(sel);
    const top = topOf(root, rules, byId);
    for (const n of nodes) {
      const checked = sel.marks.get(n.id) ?? inheritedOf(sel, n);
      assert.equal(isAllowed(top, n.id, n.ancestors), checked, `round ${round}: node ${n.id} allowed`);
      if (n.type === 'folder') {
        assert.equal(
          isFolderVisible(top, n.id, n.ancestors),
          shownState(sel, n) !== 'unchecked',
          `round ${round}: folder ${n.id} visible`,
        );
      }
    }
    // Minimal: every rule changes what its parent gives (so none could be left out).
    for (const r of rules) {
      const n = byId.get(r.itemId)!;
      assert.notEqual(
        r.effect === 'include',
        inheritedOf(sel, n),
        `round ${round}: redundant rule on ${n.id}`,
      );
      assert.equal(r.scope, n.type === 'folder' ? 'subtree' : 'item');
    }
    // Read back: the same marks, so the same tree.
    const again = selectionFromRules(root, rules, byId);
    assert.deepEqual(again.unsupported, []);
    if (rules.length === 0) assert.deepEqual([...again.selection.marks], [[root.id, true]]);
    else assert.deepEqual(new Map(again.selection.marks), new Map(sel.marks));
  }
});

function inheritedOf(sel: AllowSelection, n: TreeNode): boolean {
  for (let i = n.ancestors.length - 1; i >= 0; i--) {
    const m = sel.marks.get(n.ancestors[i]!);
    if (m !== undefined) return m;
  }
  return false;
}

/**
 *   top/
 *     A/            (folder)
 *       a1.pdf
 *       B/          (folder)
 *         b1.pdf
 *     c.pdf
 */
function smallTree() {
  const top: TreeNode = { id: '1', type: 'folder', name: 'top', ancestors: [] };
  const A: TreeNode = { id: '2', type: 'folder', name: 'A', ancestors: ['1'] };
  const a1: TreeNode = { id: '3', type: 'file', name: 'a1.pdf', ancestors: ['1', '2'] };
  const B: TreeNode = { id: '4', type: 'folder', name: 'B', ancestors: ['1', '2'] };
  const b1: TreeNode = { id: '5', type: 'file', name: 'b1.pdf', ancestors: ['1', '2', '4'] };
  const c: TreeNode = { id: '6', type: 'file', name: 'c.pdf', ancestors: ['1'] };
  return { top, A, a1, B, b1, c };
}

test('an all-checked top folder is sent with no rules', () => {
  const { top } = smallTree();
  assert.deepEqual(selectionToRules(newSelection(top, true)), []);
});

test('an unchecked node under a checked parent becomes an exclude (folder: subtree, file: item)', () => {
  const { top, B, c } = smallTree();
  let sel = setChecked(newSelection(top, true), B, false);
  sel = setChecked(sel, c, false);
  assert.deepEqual(selectionToRules(sel), [
    { itemId: '1', itemType: 'folder', effect: 'include', scope: 'subtree' },
    { itemId: '6', itemType: 'file', effect: 'exclude', scope: 'item' },
    { itemId: '4', itemType: 'folder', effect: 'exclude', scope: 'subtree' },
  ]);
  const partial = partialFolders(sel);
  assert.equal(checkState(sel, top, partial), 'mixed');
  assert.equal(checkState(sel, smallTree().A, partial), 'mixed');
  assert.equal(checkState(sel, B, partial), 'unchecked');
});

test('a checked node under an unchecked or partial parent becomes an include; a fully checked folder needs only its own rule', () => {
  const { top, A, a1, B, b1 } = smallTree();
  // Nothing, then B (a folder) and a1 (a file) inside the unchecked A.
  let sel = setChecked(newSelection(top, false), B, true);
  sel = setChecked(sel, a1, true);
  assert.deepEqual(selectionToRules(sel), [
    { itemId: '3', itemType: 'file', effect: 'include', scope: 'item' },
    { itemId: '4', itemType: 'folder', effect: 'include', scope: 'subtree' },
  ]);
  assert.equal(checkState(sel, A, partialFolders(sel)), 'mixed');
  // Checking the partial A checks all of it: one rule, whatever was marked below goes.
  sel = toggle(sel, A);
  assert.deepEqual(selectionToRules(sel), [
    { itemId: '2', itemType: 'folder', effect: 'include', scope: 'subtree' },
  ]);
  assert.equal(checkState(sel, b1, partialFolders(sel)), 'checked');
  // Unchecking the fully checked A leaves nothing.
  sel = toggle(sel, A);
  assert.equal(hasSelection(sel), false);
});

test('stored rules pre-check the tree; rules the tree cannot show are reported, not dropped silently', () => {
  const { top, A, B, c } = smallTree();
  const known = new Map([A, B, c].map((n) => [n.id, n]));
  const read = selectionFromRules(
    top,
    [
      { itemId: '1', itemType: 'folder', effect: 'include', scope: 'subtree' },
      { itemId: '4', itemType: 'folder', effect: 'exclude', scope: 'subtree' },
      { itemId: '2', itemType: 'folder', effect: 'include', scope: 'item' },
      { itemId: '99', itemType: 'file', effect: 'include', scope: 'item' },
    ],
    known,
  );
  assert.deepEqual(
    read.unsupported.map((r) => r.itemId),
    ['2', '99'],
  );
  const partial = partialFolders(read.selection);
  assert.equal(checkState(read.selection, top, partial), 'mixed');
  assert.equal(checkState(read.selection, B, partial), 'unchecked');
  assert.equal(checkState(read.selection, c, partial), 'checked');
  // No rules = the whole folder.
  assert.equal(checkState(selectionFromRules(top, [], known).selection, B, new Set()), 'checked');
});
