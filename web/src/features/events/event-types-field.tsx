/**
 * The event-type filter: several types at once, as checkboxes in a disclosure (the list can be long).
 * The choices are the types that occur in the chosen range, with their counts, plus any already chosen.
 */
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../ui/format.ts';
import { eventTypeLabel } from './event-labels.ts';

export function EventTypesField({
  selected,
  options,
  onChange,
}: {
  selected: string[];
  options: { type: string; count: number }[];
  onChange: (types: string[]) => void;
}) {
  const { t, i18n } = useTranslation();
  const all = [
    ...options,
    ...selected.filter((s) => !options.some((o) => o.type === s)).map((type) => ({ type, count: 0 })),
  ];
  return (
    <details className="field type-filter">
      <summary>
        {t('events.typeFilter')}{' '}
        <span className="muted">
          {selected.length === 0 ? t('events.allTypes') : t('events.typesSelected', { n: selected.length })}
        </span>
      </summary>
      <fieldset>
        <legend className="visually-hidden">{t('events.typeFilter')}</legend>
        {all.length === 0 ? <p className="hint">{t('events.noTypes')}</p> : null}
        {all.map((o) => (
          <label key={o.type} className="check">
            <input
              type="checkbox"
              checked={selected.includes(o.type)}
              onChange={(event) =>
                onChange(event.target.checked ? [...selected, o.type] : selected.filter((s) => s !== o.type))
              }
            />
            <span>
              {eventTypeLabel(t, i18n, o.type)}{' '}
              <span className="muted">({formatNumber(o.count, i18n.language)})</span>
            </span>
          </label>
        ))}
      </fieldset>
    </details>
  );
}
