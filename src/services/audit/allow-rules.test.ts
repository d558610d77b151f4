import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AllowRule } from '../../platform/messaging/catalogue.ts';
import { isAllowed, isFolderVisible, type TopItem } from './allow-rules.ts';

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

interface Node {
  id: string;
  type: 'file' | 'folder';
  parent: Node | null;
  children: Node[];
}

function generateTree(random: () => number, size: number): Node[] {
  let next = 100;
  const root: Node = { id: String(next++), type: 'folder', parent: null, children: [] };
  const nodes = [root];
  const folders = [root];
  while (nodes.length < size) {
    const parent = folders[Math.floor(random() * folders.length)]!;
    const type = random() < 0.35 ? 'folder' : 'file';
    const node: Node = { id: String(next++), type, parent, children: [] };
    parent.children.push(node);
    nodes.push(node);
    if (type === 'folder') folders.push(node);
  }
  return nodes;
}

const ancestors = (n: Node): string[] => {
  const out: string[] = [];
  for (let p = n.parent; p; p = p.parent) out.unshift(p.id);
  return out;
};

/**
 * The tri-state selection a user makes in the tree, turned into rules the way the UI does: a checked
 * folder under an unchecked parent includes its subtree; an unchecked item under a checked folder is
 * excluded; a checked file under an unchecked folder is included by itself.
 */
function selectionToRules(root: Node, checked: Set<string>): AllowRule[] {
  const rules: AllowRule[] = [];
  const walk = (n: Node, parentChecked: boolean) => {
    const isChecked = checked.has(n.id);
    if (isChecked !== parentChecked) {
      rules.push({
        itemId: n.id,
        itemType: n.type,
        effect: isChecked ? 'include' : 'exclude',
        scope: n.type === 'folder' ? 'subtree' : 'item',
      });
    }
    for (const c of n.children) walk(c, isChecked);
  };
  walk(root, false);
  return rules;
}

/** The brute-force meaning: a node is allowed when it is checked in the tree as the user left it. */
function bruteForceAllowed(n: Node, checked: Set<string>): boolean {
  return checked.has(n.id);
}

test('allow-list rules decide exactly like the tri-state selection they were made from, over generated trees', () => {
  const random = prng(20260101);
  for (let round = 0; round < 200; round++) {
    const nodes = generateTree(random, 5 + Math.floor(random() * 80));
    const root = nodes[0]!;
    // Random checks, propagated the way a tri-state tree propagates a folder click to its subtree.
    const checked = new Set<string>();
    const click = (n: Node, on: boolean) => {
      if (on) checked.add(n.id);
      else checked.delete(n.id);
      for (const c of n.children) click(c, on);
    };
    for (let i = 0; i < 1 + Math.floor(random() * 6); i++)
      click(nodes[Math.floor(random() * nodes.length)]!, random() < 0.6);
    // Selecting nothing adds nothing (and a folder sent without rules means all of it, by API contract).
    if (checked.size === 0) click(nodes[nodes.length - 1]!, true);
    const rules = selectionToRules(root, checked);
    const rulePaths = Object.fromEntries(
      rules.map((r) => [r.itemId, ancestors(nodes.find((n) => n.id === r.itemId)!)]),
    );
    const top: TopItem = { itemId: root.id, itemType: 'folder', rules, rulePaths };
    for (const n of nodes) {
      assert.equal(
        isAllowed(top, n.id, ancestors(n)),
        bruteForceAllowed(n, checked),
        `round ${round}, node ${n.id}`,
      );
      if (n.type === 'folder') {
        const anyBelow = (m: Node): boolean => checked.has(m.id) || m.children.some(anyBelow);
        assert.equal(
          isFolderVisible(top, n.id, ancestors(n)),
          anyBelow(n),
          `visibility, round ${round}, folder ${n.id}`,
        );
      }
    }
  }
});

test('a file created later under an included folder is allowed, and one under an excluded branch is not', () => {
  const top: TopItem = {
    itemId: '1',
    itemType: 'folder',
    rules: [
      { itemId: '1', itemType: 'folder', effect: 'include', scope: 'subtree' },
      { itemId: '3', itemType: 'folder', effect: 'exclude', scope: 'subtree' },
    ],
  };
  assert.equal(isAllowed(top, '99', ['0', '1', '2']), true);
  assert.equal(isAllowed(top, '98', ['0', '1', '3', '4']), false);
  assert.equal(isAllowed(top, '97', ['0', '5']), false, 'outside the folder');
});

test('a folder added without rules allows everything below it, and a file item allows only itself', () => {
  assert.equal(isAllowed({ itemId: '1', itemType: 'folder', rules: [] }, '9', ['0', '1', '7']), true);
  const file: TopItem = { itemId: '5', itemType: 'file', rules: [] };
  assert.equal(isAllowed(file, '5', ['0', '1']), true);
  assert.equal(isAllowed(file, '6', ['0', '1', '5']), false);
});
