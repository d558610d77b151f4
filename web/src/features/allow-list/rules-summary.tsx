/** What the current tree choice means, in words: the rules that will be saved. */
import { useTranslation } from 'react-i18next';
import { type AllowSelection, isEverything, selectionToRules } from './allow-selection.ts';

export function RulesSummary({ selection }: { selection: AllowSelection }) {
  const { t } = useTranslation();
  const rules = selectionToRules(selection);
  const name = (id: string) => selection.nodes.get(id)?.name ?? id;
  const describe = (r: (typeof rules)[number]) =>
    r.scope === 'subtree' ? t('allowList.folderAndContents', { name: name(r.itemId) }) : name(r.itemId);
  const included = rules.filter((r) => r.effect === 'include');
  const excluded = rules.filter((r) => r.effect === 'exclude');
  return (
    <section className="rules-summary" aria-labelledby="rules-summary-title" aria-live="polite">
      <h3 id="rules-summary-title" className="section-title">
        {t('allowList.summaryTitle')}
      </h3>
      {isEverything(selection) ? (
        <p>{t('allowList.everything', { name: selection.top.name })}</p>
      ) : included.length === 0 ? (
        <p className="muted">{t('allowList.nothing')}</p>
      ) : (
        <>
          <p className="rules-label">{t('allowList.included')}</p>
          <ul>
            {included.map((r) => (
              <li key={r.itemId}>{describe(r)}</li>
            ))}
          </ul>
          {excluded.length > 0 ? (
            <>
              <p className="rules-label">{t('allowList.excluded')}</p>
              <ul>
                {excluded.map((r) => (
                  <li key={r.itemId}>{describe(r)}</li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
