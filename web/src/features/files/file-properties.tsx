/** A file's properties (product.md F4.1): where it is, who owns and changed it, size, hash, version, sets. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { FileDetails } from '../../api/api-types.ts';
import { formatBytes, formatDateTime } from '../../ui/format.ts';
import { boxStatusLabel } from '../audit-sets/set-labels.ts';

type UserRef = FileDetails['owner'];

export function FileProperties({ file }: { file: FileDetails }) {
  const { t, i18n } = useTranslation();
  const who = (u: UserRef) => (u ? `${u.name} (${u.login})` : t('files.unknownPerson'));
  const when = (at: string | null, by: UserRef) =>
    at ? t('files.atBy', { at: formatDateTime(at, i18n.language), by: who(by) }) : t('files.unknown');
  return (
    <section className="panel" aria-labelledby="file-properties-title">
      <h2 id="file-properties-title">{t('files.properties')}</h2>
      {file.description ? <p>{file.description}</p> : null}
      <dl className="facts">
        <div>
          <dt>{t('files.path')}</dt>
          <dd className="break">{file.path.length > 0 ? file.path.map((p) => p.name).join(' / ') : '—'}</dd>
        </div>
        <div>
          <dt>{t('files.owner')}</dt>
          <dd className="break">{who(file.owner)}</dd>
        </div>
        <div>
          <dt>{t('files.created')}</dt>
          <dd className="break">{when(file.createdAt, file.createdBy)}</dd>
        </div>
        <div>
          <dt>{t('files.modified')}</dt>
          <dd className="break">{when(file.modifiedAt, file.modifiedBy)}</dd>
        </div>
        <div>
          <dt>{t('files.contentModified')}</dt>
          <dd>
            {file.contentModifiedAt
              ? formatDateTime(file.contentModifiedAt, i18n.language)
              : t('files.unknown')}
          </dd>
        </div>
        <div>
          <dt>{t('files.size')}</dt>
          <dd>{formatBytes(file.size, i18n.language) || t('files.unknown')}</dd>
        </div>
        <div>
          <dt>{t('files.sha1')}</dt>
          <dd>
            <code className="break">{file.sha1}</code>
          </dd>
        </div>
        <div>
          <dt>{t('files.currentVersion')}</dt>
          <dd className="break">
            {file.currentVersion
              ? t('files.versionNumber', {
                  number: file.currentVersion.versionNumber ?? '?',
                  id: file.currentVersion.id,
                })
              : t('files.unknown')}
          </dd>
        </div>
        <div>
          <dt>{t('files.status')}</dt>
          <dd>
            <span className={file.status === 'active' ? 'badge badge-ok' : 'badge badge-danger'}>
              {boxStatusLabel(t, file.status)}
            </span>
            {file.trashedAt ? (
              <span className="hint block">{formatDateTime(file.trashedAt, i18n.language)}</span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>{t('files.monitoring')}</dt>
          <dd>
            {file.monitoring.sets.length === 0 ? (
              t('files.notMonitored')
            ) : (
              <ul className="plain-list">
                {file.monitoring.sets.map((s) => (
                  <li key={s.id}>
                    <Link to={`/audit-sets/${s.id}`}>{s.name}</Link>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}
