/**
 * Index arithmetic of RFC 9162 Merkle trees, independent of where hashes are stored.
 *
 * Sizes and indexes are JavaScript numbers restricted to safe integers (< 2^53): a log that
 * appends 10,000 leaves a second would need 28,000 years to leave that range, and numbers keep
 * the arithmetic cheap. Bitwise operators are avoided because they truncate to 32 bits.
 */

/** A complete subtree: the node at `level` (0 = leaf) covering leaves [index·2^level, (index+1)·2^level). */
export interface NodeRef {
  readonly level: number;
  readonly index: number;
}

/** A range of leaves [start, end) whose Merkle Tree Hash (RFC 9162 MTH) a proof carries. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/** The largest power of two strictly smaller than n (n ≥ 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The complete nodes that cover [start, end), left to right, taking at each step the largest
 * aligned block that fits. For the ranges RFC 9162 proofs use (start aligned to a power of two at
 * least as large as the range) the sizes strictly decrease, and folding the hashes from the right
 * — acc = h[last]; acc = H(h[i], acc) — gives exactly MTH(D[start:end]).
 */
export function coveringNodes(start: number, end: number): NodeRef[] {
  const nodes: NodeRef[] = [];
  let position = start;
  while (position < end) {
    let size = 1;
    let level = 0;
    while (position % (size * 2) === 0 && position + size * 2 <= end) {
      size *= 2;
      level += 1;
    }
    nodes.push({ level, index: position / size });
    position += size;
  }
  return nodes;
}

/**
 * RFC 9162 §2.1.3.1 PATH(m, D[lo:hi]) as leaf ranges, ordered from the leaf upwards (the order a
 * verifier consumes them).
 */
export function inclusionRanges(index: number, treeSize: number): LeafRange[] {
  const out: LeafRange[] = [];
  const walk = (m: number, lo: number, hi: number): void => {
    const n = hi - lo;
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, lo, lo + k);
      out.push({ start: lo + k, end: hi });
    } else {
      walk(m - k, lo + k, hi);
      out.push({ start: lo, end: lo + k });
    }
  };
  walk(index, 0, treeSize);
  return out;
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as leaf ranges. */
export function consistencyRanges(size1: number, size2: number): LeafRange[] {
  const out: LeafRange[] = [];
  const walk = (m: number, lo: number, hi: number, complete: boolean): void => {
    const n = hi - lo;
    if (m === n) {
      if (!complete) out.push({ start: lo, end: hi });
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      walk(m, lo, lo + k, complete);
      out.push({ start: lo + k, end: hi });
    } else {
      walk(m - k, lo + k, hi, false);
      out.push({ start: lo, end: lo + k });
    }
  };
  if (size1 > 0 && size1 < size2) walk(size1, 0, size2, true);
  return out;
}

/** Number of trailing zero bits of a positive safe integer. */
export function trailingZeros(n: number): number {
  let count = 0;
  let v = n;
  while (v > 0 && v % 2 === 0) {
    v /= 2;
    count += 1;
  }
  return count;
}

/** Number of bits needed to write n (0 for 0). */
export function bitLength(n: number): number {
  let count = 0;
  let v = n;
  while (v >= 1) {
    v = Math.floor(v / 2);
    count += 1;
  }
  return count;
}

/** Number of one bits of a non-negative safe integer. */
export function onesCount(n: number): number {
  let count = 0;
  let v = n;
  while (v >= 1) {
    if (v % 2 === 1) count += 1;
    v = Math.floor(v / 2);
  }
  return count;
}

/** a XOR b for safe integers (the `^` operator would truncate to 32 bits). */
export function xor(a: number, b: number): number {
  const high = Math.floor(a / 2 ** 32) ^ Math.floor(b / 2 ** 32);
  const low = ((a % 2 ** 32) ^ (b % 2 ** 32)) >>> 0;
  return (high >>> 0) * 2 ** 32 + low;
}
