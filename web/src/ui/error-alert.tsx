/**
 * Shows an API or network error in an assertive live region, so screen readers announce it when it
 * appears. The region is always rendered (empty when there is no error) so announcements are reliable.
 */
import { useTranslation } from 'react-i18next';
import { isApiError, validationIssues } from '../api/api-error.ts';

export function errorText(error: unknown, fallback: string): string {
  if (isApiError(error)) return error.message;
  return fallback;
}

export function ErrorAlert({ error, id }: { error: unknown; id?: string }) {
  const { t } = useTranslation();
  const issues = isApiError(error) ? validationIssues(error) : [];
  return (
    <div id={id} role="alert" className={error ? 'alert alert-error' : 'alert-empty'}>
      {error ? (
        <>
          <p>{errorText(error, t('errors.generic'))}</p>
          {issues.length > 0 ? (
            <ul className="issue-list">
              {issues.map((issue) => (
                <li key={`${issue.path}:${issue.message}`}>
                  <code>{issue.path}</code> {issue.message}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
