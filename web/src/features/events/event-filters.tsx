/**
 * Every filter of the event search (product.md F3.1): time range in the user's time zone, actor,
 * event types (several), item, folder (with everything below it), audit set, and the order. Applied
 * on submit, so a half-typed id does not start a search.
 */
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SelectField } from '../../ui/select-field.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { useAllMySets } from '../audit-sets/audit-sets-api.ts';
import { useCurrentUser } from '../session/session-api.ts';
import { useBoxUsers } from '../users/users-api.ts';
import { EventTypesField } from './event-types-field.tsx';
import { type EventFilters, filtersToParams } from './events-api.ts';
import { isoToLocalInput, localInputToIso } from './time-range.ts';
import { TimeRangeFields } from './time-range-fields.tsx';

interface Draft {
  from: string;
  to: string;
  actor: string;
  types: string[];
  item: string;
  folder: string;
  auditSet: string;
  order: 'asc' | 'desc';
}

function draftOf(f: EventFilters): Draft {
  return {
    from: isoToLocalInput(f.from),
    to: isoToLocalInput(f.to),
    actor: f.actor ?? '',
    types: f.type ? f.type.split(',') : [],
    item: f.item ?? '',
    folder: f.folder ?? '',
    auditSet: f.auditSet ?? '',
    order: f.order,
  };
}

const ids = (s: string) =>
  s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean)
    .join(',') || undefined;

export function EventFiltersForm({
  value,
  onChange,
  typeCounts,
}: {
  value: EventFilters;
  onChange: (f: EventFilters) => void;
  /** Types with their counts for the chosen range (the choices of the type filter). */
  typeCounts: { type: string; count: number }[];
}) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const admin = me.roles.includes('AUDIT_ADMIN');
  const sets = useAllMySets();
  const boxUsers = useBoxUsers(admin);
  const actorsId = useId();
  const [draft, setDraft] = useState<Draft>(() => draftOf(value));
  // Only a change of the applied filters (not a re-render) replaces what is being typed.
  const applied = filtersToParams(value).toString();
  const [shown, setShown] = useState(applied);
  if (shown !== applied) {
    setShown(applied);
    setDraft(draftOf(value));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    onChange({
      from: localInputToIso(draft.from),
      to: localInputToIso(draft.to),
      actor: ids(draft.actor),
      type: draft.types.length > 0 ? draft.types.join(',') : undefined,
      item: ids(draft.item),
      folder: draft.folder.trim() || undefined,
      auditSet: draft.auditSet || undefined,
      order: draft.order,
    });
  }

  function reset() {
    onChange({ order: 'desc' });
  }

  return (
    <search aria-label={t('events.filters')}>
      <form className="filters" onSubmit={submit}>
        <TimeRangeFields
          value={{ from: draft.from, to: draft.to }}
          onChange={(r) => setDraft({ ...draft, ...r })}
        />
        <TextField
          label={t('events.actorFilter')}
          hint={t('events.actorHint')}
          value={draft.actor}
          onChange={(actor) => setDraft({ ...draft, actor })}
          list={admin ? actorsId : undefined}
          inputMode="numeric"
          maxLength={1000}
        />
        {admin ? (
          <datalist id={actorsId}>
            {(boxUsers.data ?? []).map((u) => (
              <option key={u.id} value={u.boxUserId ?? ''}>
                {`${u.name} (${u.email})`}
              </option>
            ))}
          </datalist>
        ) : null}
        <EventTypesField
          selected={draft.types}
          options={typeCounts}
          onChange={(types) => setDraft({ ...draft, types })}
        />
        <TextField
          label={t('events.itemFilter')}
          hint={t('events.itemHint')}
          value={draft.item}
          onChange={(item) => setDraft({ ...draft, item })}
          maxLength={4000}
        />
        <TextField
          label={t('events.folderFilter')}
          hint={t('events.folderHint')}
          value={draft.folder}
          onChange={(folder) => setDraft({ ...draft, folder })}
          maxLength={40}
        />
        <SelectField
          label={t('events.setFilter')}
          value={draft.auditSet}
          onChange={(auditSet) => setDraft({ ...draft, auditSet })}
          options={[
            { value: '', label: t('events.anySet') },
            ...(sets.data ?? []).map((s) => ({ value: s.id, label: s.name })),
            ...(draft.auditSet && !sets.data?.some((s) => s.id === draft.auditSet)
              ? [{ value: draft.auditSet, label: draft.auditSet }]
              : []),
          ]}
        />
        <SelectField
          label={t('events.order')}
          value={draft.order}
          onChange={(order) => setDraft({ ...draft, order: order === 'asc' ? 'asc' : 'desc' })}
          options={[
            { value: 'desc', label: t('events.newestFirst') },
            { value: 'asc', label: t('events.oldestFirst') },
          ]}
        />
        <div className="actions start filter-actions">
          <button type="submit" className="button primary">
            {t('events.apply')}
          </button>
          <button type="button" className="button secondary" onClick={reset}>
            {t('events.reset')}
          </button>
        </div>
      </form>
    </search>
  );
}
