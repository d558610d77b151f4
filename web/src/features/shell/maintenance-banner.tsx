/**
 * Shown during maintenance, when writes are paused (reading still works). Two sources: the public
 * status endpoint, polled every minute (so the banner appears before a change fails and goes when
 * maintenance ends), and any API call answered 503 MAINTENANCE_MODE in between.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { maintenanceSnapshot, setMaintenance, subscribeMaintenance } from '../../api/maintenance-state.ts';
import { api } from '../../api/typed-api.ts';

const POLL_MS = 60_000;

export function MaintenanceBanner() {
  const { t } = useTranslation();
  const status = useQuery({
    queryKey: ['ops-status'],
    queryFn: ({ signal }) => api.get('/api/v1/ops/status', { signal }),
    refetchInterval: POLL_MS,
    refetchOnWindowFocus: true,
    staleTime: 0,
    retry: false,
  });
  useEffect(() => {
    if (status.data && status.dataUpdatedAt) setMaintenance(status.data.maintenance);
  }, [status.data, status.dataUpdatedAt]);
  const active = useSyncExternalStore(subscribeMaintenance, maintenanceSnapshot, () => false);
  return (
    <div role="status" className={active ? 'maintenance-banner' : 'alert-empty'}>
      {active ? (
        <p>
          <strong>{t('maintenance.title')}</strong> {t('maintenance.body')}
        </p>
      ) : null}
    </div>
  );
}
