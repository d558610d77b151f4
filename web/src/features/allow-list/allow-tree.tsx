/**
 * The tri-state tree (WAI-ARIA tree pattern): one row per loaded node of expanded folders, rendered
 * only where the viewport is (virtualised: fixed row height, a spacer for the rest), so thousands of
 * entries stay smooth. Keyboard: ↑/↓ move, → opens or goes to the first child, ← closes or goes to
 * the parent, Home/End, Space checks or unchecks, Enter opens or closes a folder (or loads more).
 * A click on the arrow opens a folder; a click anywhere else on the row checks it.
 */

import { type KeyboardEvent, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../ui/error-alert.tsx';
import { ItemIcon } from '../../ui/item-icon.tsx';
import { type AllowSelection, checkState, partialFolders, type TreeNode } from './allow-selection.ts';
import type { TreeRow } from './folder-tree.ts';

const ROW_HEIGHT = 36;
const OVERSCAN = 8;

export interface AllowTreeProps {
  label: string;
  rows: TreeRow[];
  selection: AllowSelection;
  expanded: ReadonlySet<string>;
  onToggle: (node: TreeNode) => void;
  onExpand: (folderId: string, open: boolean) => void;
  onLoadMore: (folderId: string) => void;
}

export function AllowTree({
  label,
  rows,
  selection,
  expanded,
  onToggle,
  onExpand,
  onLoadMore,
}: AllowTreeProps) {
  const { t } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(480);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  /** The row that should get DOM focus once it is rendered (after a keyboard move). */
  const focusWanted = useRef<string | null>(null);
  const partial = useMemo(() => partialFolders(selection), [selection]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight || 480);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // The focused row; if it went away (a "loading" row replaced by the entries), the row now in its place.
  const lastIndex = useRef(0);
  const found = rows.findIndex((r) => r.key === focusKey);
  if (found >= 0) lastIndex.current = found;
  const index = found >= 0 ? found : Math.max(0, Math.min(lastIndex.current, rows.length - 1));
  const replacement = focusKey !== null && found < 0 ? rows[index]?.key : undefined;
  useEffect(() => {
    if (!replacement) return;
    const active = document.activeElement;
    // Focus fell to the page when its row went away: give it to the row in its place.
    if (active === document.body || (active && scroller.current?.contains(active)))
      focusWanted.current = replacement;
    setFocusKey(replacement);
  }, [replacement]);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const visible = rows.slice(first, last);

  // "More" rows that come into view load the next page of their folder.
  const moreInView = visible
    .filter((r) => r.kind === 'more')
    .map((r) => (r.kind === 'more' ? r.folderId : ''));
  const moreKey = moreInView.join(',');
  useEffect(() => {
    for (const id of moreKey ? moreKey.split(',') : []) onLoadMore(id);
  }, [moreKey, onLoadMore]);

  useEffect(() => {
    // A key, not a flag: effects of an earlier render may run first and must not use it up.
    const wanted = focusWanted.current;
    if (!wanted) return;
    const el = scroller.current?.querySelector<HTMLElement>(`[data-row="${CSS.escape(wanted)}"]`);
    if (!el) return;
    focusWanted.current = null;
    el.focus();
  });

  function moveTo(i: number) {
    const target = rows[Math.max(0, Math.min(rows.length - 1, i))];
    if (!target) return;
    const el = scroller.current;
    const top = rows.indexOf(target) * ROW_HEIGHT;
    if (el) {
      let next = el.scrollTop;
      if (top < next) next = top;
      else if (top + ROW_HEIGHT > next + el.clientHeight) next = top + ROW_HEIGHT - el.clientHeight;
      if (next !== el.scrollTop) {
        el.scrollTop = next;
        setScrollTop(next);
      }
    }
    setFocusKey(target.key);
    // Rendered already (the usual case): focus it now. Otherwise once scrolling has rendered it.
    const rendered = el?.querySelector<HTMLElement>(`[data-row="${CSS.escape(target.key)}"]`);
    if (rendered) rendered.focus();
    else focusWanted.current = target.key;
  }

  function activate(row: TreeRow) {
    if (row.kind === 'node') onToggle(row.node);
    else if (row.kind === 'more' || row.kind === 'error') onLoadMore(row.folderId);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const row = rows[index];
    if (!row) return;
    const isFolder = row.kind === 'node' && row.node.type === 'folder';
    const open = isFolder && expanded.has(row.key);
    let handled = true;
    switch (event.key) {
      case 'ArrowDown':
        moveTo(index + 1);
        break;
      case 'ArrowUp':
        moveTo(index - 1);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(rows.length - 1);
        break;
      case 'ArrowRight':
        if (isFolder && !open) onExpand(row.key, true);
        else if (open) moveTo(index + 1);
        break;
      case 'ArrowLeft':
        if (open) onExpand(row.key, false);
        else moveTo(parentIndex(rows, index));
        break;
      case ' ':
        activate(row);
        break;
      case 'Enter':
        if (isFolder) onExpand(row.key, !open);
        else activate(row);
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  }

  return (
    <div
      ref={scroller}
      className="allow-tree"
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      style={{ height: Math.min(rows.length * ROW_HEIGHT + 2, 480) }}
    >
      <div
        role="tree"
        aria-label={label}
        aria-multiselectable="true"
        className="allow-tree-inner"
        style={{ height: rows.length * ROW_HEIGHT }}
      >
        {visible.map((row, i) => {
          const at = first + i;
          const tabIndex = at === index ? 0 : -1;
          const common = {
            'data-row': row.key,
            style: {
              top: at * ROW_HEIGHT,
              height: ROW_HEIGHT,
              paddingInlineStart: `${(row.level - 1) * 1.25 + 0.25}rem`,
            },
            'aria-level': row.level,
            onFocus: () => setFocusKey(row.key),
          };
          if (row.kind !== 'node') {
            return (
              <div
                key={row.key}
                role="treeitem"
                tabIndex={tabIndex}
                onKeyDown={onKeyDown}
                className={`tree-row tree-row-${row.kind}`}
                aria-disabled={row.kind === 'loading' || row.kind === 'empty' ? true : undefined}
                onClick={() => activate(row)}
                {...common}
              >
                <span className="tree-twisty" aria-hidden="true" />
                {row.kind === 'loading' ? t('common.loading') : null}
                {row.kind === 'more' ? t('allowList.loadMore') : null}
                {row.kind === 'empty' ? <span className="muted">{t('allowList.emptyFolder')}</span> : null}
                {row.kind === 'error' ? (
                  <span className="tree-error">{`${errorText(row.error, t('errors.generic'))} ${t('allowList.retry')}`}</span>
                ) : null}
              </div>
            );
          }
          const node = row.node;
          const state = checkState(selection, node, partial);
          const isFolder = node.type === 'folder';
          const open = isFolder && expanded.has(node.id);
          return (
            <div
              key={row.key}
              role="treeitem"
              tabIndex={tabIndex}
              onKeyDown={onKeyDown}
              className="tree-row"
              aria-checked={state === 'mixed' ? 'mixed' : state === 'checked'}
              aria-expanded={isFolder ? open : undefined}
              aria-setsize={row.setsize}
              aria-posinset={row.posinset}
              onClick={() => {
                setFocusKey(row.key);
                onToggle(node);
              }}
              {...common}
            >
              {isFolder ? (
                <span
                  className="tree-twisty"
                  aria-hidden="true"
                  onClick={(event) => {
                    event.stopPropagation();
                    setFocusKey(row.key);
                    onExpand(node.id, !open);
                  }}
                >
                  {open ? '▾' : '▸'}
                </span>
              ) : (
                <span className="tree-twisty" aria-hidden="true" />
              )}
              <span className={`tree-check tree-check-${state}`} aria-hidden="true" />
              <ItemIcon type={node.type} />
              <span className="tree-name">{node.name}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** The row of the nearest folder above (one level up). */
function parentIndex(rows: TreeRow[], index: number): number {
  const level = rows[index]?.level ?? 1;
  for (let i = index - 1; i >= 0; i--) if ((rows[i]?.level ?? 0) < level) return i;
  return index;
}
