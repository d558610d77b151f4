/**
 * `/box/folder/:itemId` — where Box's integration menu leads for a folder (product.md F7.2): the
 * folder's details, and adding it to one of my audit sets with the tri-state tree (or changing what a
 * set already allows of it).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { Loading } from '../../ui/loading.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { SelectField } from '../../ui/select-field.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { ExistingAllowList } from '../allow-list/existing-allow-list.tsx';
import { NewFolderAllowList } from '../allow-list/new-folder-allow-list.tsx';
import { useItemSets } from '../audit-sets/audit-sets-api.ts';
import { useFolderDetails } from '../files/files-api.ts';
import { ItemCollaborators } from '../files/item-collaborators.tsx';

export function BoxFolderEntryPage() {
  const { itemId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const folder = useFolderDetails(itemId, undefined);
  const sets = useItemSets(itemId);
  const [setId, setSetId] = useState('');
  const [saved, setSaved] = useState<{ set: string; added: boolean } | null>(null);
  const editable = (sets.data ?? []).filter((s) => s.canEdit);
  const chosen = editable.find((s) => s.setId === setId);

  if (folder.isPending) return <Loading />;
  if (folder.isError) {
    return (
      <section className="page">
        <PageHeading>{t('files.notAvailable')}</PageHeading>
        <ErrorAlert error={folder.error} />
      </section>
    );
  }
  const f = folder.data;
  const who = (u: typeof f.owner) => (u ? `${u.name} (${u.login})` : t('files.unknownPerson'));
  return (
    <section className="page">
      <PageHeading>{f.name}</PageHeading>
      <section className="panel" aria-labelledby="folder-properties-title">
        <h2 id="folder-properties-title">{t('files.properties')}</h2>
        <dl className="facts">
          <div>
            <dt>{t('files.path')}</dt>
            <dd className="break">{f.path.map((p) => p.name).join(' / ') || '—'}</dd>
          </div>
          <div>
            <dt>{t('files.owner')}</dt>
            <dd className="break">{who(f.owner)}</dd>
          </div>
          <div>
            <dt>{t('files.created')}</dt>
            <dd>{formatDateTime(f.createdAt, i18n.language)}</dd>
          </div>
          <div>
            <dt>{t('files.modified')}</dt>
            <dd className="break">
              {f.modifiedAt
                ? t('files.atBy', { at: formatDateTime(f.modifiedAt, i18n.language), by: who(f.modifiedBy) })
                : t('files.unknown')}
            </dd>
          </div>
          <div>
            <dt>{t('boxFolder.inSets')}</dt>
            <dd>
              {(sets.data ?? []).filter((s) => s.contains).length === 0 ? (
                t('boxFolder.inNoSet')
              ) : (
                <ul className="plain-list">
                  {(sets.data ?? [])
                    .filter((s) => s.contains)
                    .map((s) => (
                      <li key={s.setId}>
                        <Link to={`/audit-sets/${s.setId}`}>{s.name}</Link>
                      </li>
                    ))}
                </ul>
              )}
            </dd>
          </div>
        </dl>
      </section>

      <section className="panel" aria-labelledby="folder-add-title">
        <h2 id="folder-add-title">{t('boxFolder.addTitle')}</h2>
        <StatusMessage
          message={
            saved
              ? saved.added
                ? t('boxFolder.added', { name: f.name, set: saved.set })
                : t('boxFolder.updated', { name: f.name, set: saved.set })
              : null
          }
        />
        <ErrorAlert error={sets.error} />
        {sets.data && editable.length === 0 ? <p className="muted">{t('boxFolder.noEditableSets')}</p> : null}
        {editable.length > 0 ? (
          <SelectField
            label={t('boxFolder.chooseSet')}
            value={setId}
            onChange={(v) => {
              setSaved(null);
              setSetId(v);
            }}
            options={[
              { value: '', label: t('boxFolder.pickSet') },
              ...editable.map((s) => ({
                value: s.setId,
                label: s.contains ? t('boxFolder.setContains', { name: s.name }) : s.name,
              })),
            ]}
          />
        ) : null}
        {chosen ? (
          chosen.contains ? (
            <ExistingAllowList
              key={chosen.setId}
              setId={chosen.setId}
              itemId={f.id}
              onSaved={() => setSaved({ set: chosen.name, added: false })}
            />
          ) : (
            <NewFolderAllowList
              key={chosen.setId}
              setId={chosen.setId}
              folder={{ id: f.id, name: f.name }}
              onSaved={() => setSaved({ set: chosen.name, added: true })}
            />
          )
        ) : null}
      </section>
      <ItemCollaborators type="folder" itemId={f.id} setId={undefined} />
    </section>
  );
}
