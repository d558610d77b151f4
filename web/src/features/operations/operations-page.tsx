/**
 * Operations overview (audit admins; product.md F7, operations.md §1-§2): event ingestion, the
 * ledger and its witness, and the SLO summary — every figure from the API of the service that owns
 * it, refreshed every 30 s. Each panel loads and fails on its own, so one service being down does
 * not hide the others.
 */
import { useIsFetching } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../ui/format.ts';
import { PageHeading } from '../../ui/page-heading.tsx';
import { IngestPanel } from './ingest-panel.tsx';
import { LedgerPanel } from './ledger-panel.tsx';
import { SloPanel } from './slo-panel.tsx';

/** When the last round of fetching the page's figures finished (null before the first one). */
function useLastRefresh(): string | null {
  const fetching = useIsFetching({ queryKey: ['operations'] });
  const wasFetching = useRef(false);
  const [at, setAt] = useState<string | null>(null);
  useEffect(() => {
    if (fetching > 0) wasFetching.current = true;
    else if (wasFetching.current) {
      wasFetching.current = false;
      setAt(new Date().toISOString());
    }
  }, [fetching]);
  return at;
}

export function OperationsPage() {
  const { t, i18n } = useTranslation();
  const refreshedAt = useLastRefresh();
  return (
    <section className="page">
      <PageHeading>{t('operations.title')}</PageHeading>
      <p className="muted">
        {t('operations.intro')}{' '}
        {refreshedAt ? t('operations.updated', { time: formatDateTime(refreshedAt, i18n.language) }) : null}
      </p>
      <IngestPanel />
      <LedgerPanel />
      <SloPanel />
    </section>
  );
}
