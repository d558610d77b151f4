/**
 * Browsing the signed-in user's own Box (`GET /api/v1/folders/0/items`, then deeper) to pick a file
 * or a folder, a page at a time.
 */

import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FolderEntry } from '../../api/api-types.ts';
import { api } from '../../api/typed-api.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatBytes, formatDateTime } from '../../ui/format.ts';
import { ItemIcon } from '../../ui/item-icon.tsx';
import { Loading } from '../../ui/loading.tsx';

const PAGE = 100;

export function BoxItemPicker({ onPick }: { onPick: (entry: FolderEntry) => void }) {
  const { t, i18n } = useTranslation();
  const [trail, setTrail] = useState<{ id: string; name: string }[]>([{ id: '0', name: '' }]);
  const current = trail[trail.length - 1]!;
  const listing = useInfiniteQuery({
    queryKey: ['box-folder', current.id],
    queryFn: ({ pageParam, signal }) =>
      api.get('/api/v1/folders/{id}/items', {
        params: { id: current.id },
        query: { limit: PAGE, cursor: pageParam },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const entries = listing.data?.pages.flatMap((p) => p.items) ?? [];
  const name = (p: { id: string; name: string }) => (p.id === '0' ? t('browse.allFiles') : p.name);

  return (
    <section className="box-picker" aria-labelledby="box-picker-title">
      <h2 id="box-picker-title" className="section-title">
        {t('addItem.browseTitle')}
      </h2>
      <nav aria-label={t('browse.breadcrumbs')} className="breadcrumbs">
        <ol>
          {trail.map((p, i) =>
            i === trail.length - 1 ? (
              <li key={p.id} aria-current="location">
                {name(p)}
              </li>
            ) : (
              <li key={p.id}>
                <button
                  type="button"
                  className="button link small"
                  onClick={() => setTrail(trail.slice(0, i + 1))}
                >
                  {name(p)}
                </button>
              </li>
            ),
          )}
        </ol>
      </nav>
      <ErrorAlert error={listing.error} />
      {listing.isPending ? <Loading /> : null}
      {listing.data && entries.length === 0 ? <p className="empty">{t('addItem.emptyFolder')}</p> : null}
      {entries.length > 0 ? (
        <ul className="picker-list" aria-busy={listing.isFetching}>
          {entries.map((e) => (
            <li key={e.id}>
              <span className="picker-name break">
                <ItemIcon type={e.type} />
                {e.type === 'folder' ? (
                  <button
                    type="button"
                    className="button link"
                    onClick={() => setTrail([...trail, { id: e.id, name: e.name }])}
                  >
                    {e.name}
                    <span className="visually-hidden"> ({t('addItem.openFolder')})</span>
                  </button>
                ) : (
                  e.name
                )}
                <span className="hint block">
                  {e.type === 'folder'
                    ? t('items.folder')
                    : [formatBytes(e.size, i18n.language), formatDateTime(e.modifiedAt, i18n.language)]
                        .filter(Boolean)
                        .join(' · ')}
                </span>
              </span>
              <button type="button" className="button small secondary" onClick={() => onPick(e)}>
                {e.type === 'folder' ? t('addItem.chooseFolder') : t('addItem.chooseFile')}
                <span className="visually-hidden">: {e.name}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {listing.hasNextPage ? (
        <div className="actions start">
          <button
            type="button"
            className="button secondary"
            disabled={listing.isFetchingNextPage}
            onClick={() => void listing.fetchNextPage()}
          >
            {listing.isFetchingNextPage ? t('common.loading') : t('browse.loadMore')}
          </button>
        </div>
      ) : null}
    </section>
  );
}
