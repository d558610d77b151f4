/** The owner and Box collaborations of a file or folder (product.md F4.5). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Loading } from '../../ui/loading.tsx';
import { Pager } from '../../ui/pager.tsx';
import { useItemCollaborators } from './files-api.ts';

const ROLES = [
  'owner',
  'co-owner',
  'editor',
  'viewer uploader',
  'previewer uploader',
  'viewer',
  'previewer',
  'uploader',
] as const;
type BoxRole = (typeof ROLES)[number];

export function ItemCollaborators({
  type,
  itemId,
  setId,
}: {
  type: 'file' | 'folder';
  itemId: string;
  setId: string | undefined;
}) {
  const { t } = useTranslation();
  const [cursor, setCursor] = useState<string | undefined>();
  const people = useItemCollaborators(type, itemId, setId, cursor);
  const page = people.data;
  const role = (r: string) => (ROLES.includes(r as BoxRole) ? t(`boxRoles.${r as BoxRole}`) : r);
  return (
    <section className="panel" aria-labelledby="item-collaborators-title">
      <h2 id="item-collaborators-title">{t('files.collaborators')}</h2>
      <ErrorAlert error={people.error} />
      {people.isPending ? <Loading /> : null}
      {page?.items.length === 0 ? <p className="empty">{t('files.noCollaborators')}</p> : null}
      {page && page.items.length > 0 ? (
        <div className="table-wrap" aria-busy={people.isFetching}>
          <table className="data-table">
            <caption className="visually-hidden">{t('files.collaborators')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('fields.name')}</th>
                <th scope="col">{t('files.collaboratorRole')}</th>
                <th scope="col">{t('files.collaboratorStatus')}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((c, i) => (
                <tr key={c.id ?? `owner-${i}`}>
                  <th scope="row" data-label={t('fields.name')} className="break">
                    {c.accessibleBy?.name ?? c.inviteEmail ?? '—'}
                    {c.accessibleBy?.type === 'group' ? (
                      <span className="tag">{t('files.boxGroup')}</span>
                    ) : null}
                    {c.accessibleBy?.login ? (
                      <span className="hint block">{c.accessibleBy.login}</span>
                    ) : null}
                  </th>
                  <td data-label={t('files.collaboratorRole')}>{role(c.role)}</td>
                  <td data-label={t('files.collaboratorStatus')}>
                    {c.status === 'accepted' || c.status === 'pending' || c.status === 'rejected'
                      ? t(`collaborationStatus.${c.status}`)
                      : c.status}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {page ? (
        <Pager
          label={t('files.collaboratorPages')}
          prevCursor={page.prevCursor}
          nextCursor={page.nextCursor}
          onPage={setCursor}
        />
      ) : null}
    </section>
  );
}
