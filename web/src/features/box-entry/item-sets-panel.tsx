/**
 * "In my audit sets" (product.md F5.7): every set of mine, checked where it contains this item;
 * check and uncheck several, then save once (`PUT /api/v1/items/{itemId}/audit-sets`). Sets the user
 * may only view are shown but cannot be changed.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ItemType } from '../../api/api-types.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Loading } from '../../ui/loading.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { useItemSets, useUpdateItemSets } from '../audit-sets/audit-sets-api.ts';

export function ItemSetsPanel({ itemId, type }: { itemId: string; type: ItemType }) {
  const { t } = useTranslation();
  const sets = useItemSets(itemId);
  const update = useUpdateItemSets(itemId);
  const [wanted, setWanted] = useState<Set<string>>(new Set());
  useEffect(() => {
    if (sets.data) setWanted(new Set(sets.data.filter((s) => s.contains).map((s) => s.setId)));
  }, [sets.data]);

  const add = (sets.data ?? [])
    .filter((s) => s.canEdit && !s.contains && wanted.has(s.setId))
    .map((s) => s.setId);
  const remove = (sets.data ?? [])
    .filter((s) => s.canEdit && s.contains && !wanted.has(s.setId))
    .map((s) => s.setId);

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate({ type, add, remove });
  }

  return (
    <section className="panel" aria-labelledby="item-sets-title">
      <h2 id="item-sets-title">{t('itemSets.title')}</h2>
      <p className="hint">{t('itemSets.intro')}</p>
      {sets.isPending ? <Loading /> : null}
      <ErrorAlert error={sets.error} />
      {sets.data?.length === 0 ? <p className="empty">{t('itemSets.none')}</p> : null}
      {sets.data && sets.data.length > 0 ? (
        <form className="form" onSubmit={submit}>
          <fieldset>
            <legend>{t('itemSets.legend')}</legend>
            {sets.data.map((s) => (
              <label key={s.setId} className="check">
                <input
                  type="checkbox"
                  checked={wanted.has(s.setId)}
                  disabled={!s.canEdit}
                  onChange={(event) => {
                    const next = new Set(wanted);
                    if (event.target.checked) next.add(s.setId);
                    else next.delete(s.setId);
                    setWanted(next);
                  }}
                />
                <span>
                  {s.name}
                  {s.canEdit ? null : <span className="hint block">{t('itemSets.viewOnly')}</span>}
                </span>
              </label>
            ))}
          </fieldset>
          <ErrorAlert error={update.error} />
          <StatusMessage
            message={update.isSuccess && add.length + remove.length === 0 ? t('itemSets.saved') : null}
          />
          <div className="actions start">
            <button
              type="submit"
              className="button primary"
              disabled={update.isPending || add.length + remove.length === 0}
            >
              {update.isPending
                ? t('common.working')
                : t('itemSets.save', { add: add.length, remove: remove.length })}
            </button>
            {sets.data
              .filter((s) => s.contains)
              .slice(0, 3)
              .map((s) => (
                <Link key={s.setId} to={`/audit-sets/${s.setId}`} className="button link">
                  {t('itemSets.open', { name: s.name })}
                </Link>
              ))}
          </div>
        </form>
      ) : null}
    </section>
  );
}
