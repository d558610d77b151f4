/** A button that downloads an API answer as a file and shows the API's error if there is one. */
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { downloadFromApi, type QueryValue } from '../api/api-client.ts';
import { ErrorAlert } from './error-alert.tsx';

export function ApiDownloadButton({
  path,
  query,
  children,
  className = 'button secondary small',
}: {
  path: string;
  query?: Record<string, QueryValue>;
  children: ReactNode;
  className?: string;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <span className="api-download">
      <button
        type="button"
        className={className}
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          downloadFromApi(path, query)
            .catch(setError)
            .finally(() => setBusy(false));
        }}
      >
        {busy ? t('common.working') : children}
      </button>
      <ErrorAlert error={error} />
    </span>
  );
}
