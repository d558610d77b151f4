/**
 * One file verification with what it rests on: the result and its reasons, what Box showed, what the
 * ledger had recorded, the signed checkpoint and proofs used — and the evidence bundle to check it
 * all offline.
 */
import { useTranslation } from 'react-i18next';
import type { FileVerification, VerificationReason } from '../../api/api-types.ts';
import { ApiDownloadButton } from '../../ui/api-download-button.tsx';
import { formatBytes, formatDateTime, formatNumber } from '../../ui/format.ts';
import { boxStatusLabel, verificationBadgeClass, verificationLabel } from '../audit-sets/set-labels.ts';
import { bundlePath } from './verifications-api.ts';

const SHOWN_RECORDS = 10;

export function VerificationEvidence({ verification: v }: { verification: FileVerification }) {
  const { t, i18n } = useTranslation();
  const e = v.evidence;
  const lang = i18n.language;
  return (
    <div className="verification-evidence">
      <p className="verification-result">
        <span className={verificationBadgeClass(v.result)}>{verificationLabel(t, v.result)}</span>{' '}
        <span className="muted">
          {t('verify.checkedAt', {
            at: formatDateTime(v.completedAt, lang),
            trigger: t(`verify.triggers.${v.trigger}`),
          })}
        </span>
      </p>
      <ul className="reason-list">
        {v.reasons.map((r) => (
          <li key={`${r.code}:${r.versionId ?? ''}:${r.leafIndex ?? ''}:${r.eventId ?? ''}`}>
            <ReasonText reason={r} />
          </li>
        ))}
      </ul>
      {v.nextCheckAt ? (
        <p className="hint">{t('verify.nextCheck', { at: formatDateTime(v.nextCheckAt, lang) })}</p>
      ) : null}
      <dl className="facts">
        <div>
          <dt>{t('verify.boxState')}</dt>
          <dd>
            {e.box
              ? e.box.status === 'not_found'
                ? t('verify.notFoundInBox')
                : t('verify.boxVersions', {
                    status: boxStatusLabel(t, e.box.status),
                    versions: formatNumber(e.box.versions.length, lang),
                    at: formatDateTime(e.box.observedAt, lang),
                  })
              : t('verify.notRead')}
          </dd>
        </div>
        <div>
          <dt>{t('verify.recorded')}</dt>
          <dd>{t('verify.recordedVersions', { versions: formatNumber(e.recorded.length, lang) })}</dd>
        </div>
        <div>
          <dt>{t('verify.checkpoint')}</dt>
          <dd className="break">
            {e.ledger
              ? t('verify.checkpointSize', { size: formatNumber(e.ledger.checkpoint.treeSize, lang) })
              : t('verify.noLedger')}
            {e.ledger ? <code className="hint block break">{e.ledger.checkpoint.rootHash}</code> : null}
          </dd>
        </div>
        <div>
          <dt>{t('verify.witness')}</dt>
          <dd>
            {e.ledger?.witnessed
              ? t('verify.witnessed', { size: formatNumber(e.ledger.witnessed.treeSize, lang) })
              : t('verify.notWitnessed')}
          </dd>
        </div>
        <div>
          <dt>{t('verify.proofs')}</dt>
          <dd>{t('verify.provenLeaves', { leaves: formatNumber(e.ledger?.leaves.length ?? 0, lang) })}</dd>
        </div>
      </dl>
      {e.recorded.length > 0 ? (
        <div className="table-wrap">
          <table className="data-table compact">
            <caption className="visually-hidden">{t('verify.recorded')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('files.version')}</th>
                <th scope="col">{t('files.sha1')}</th>
                <th scope="col">{t('files.size')}</th>
                <th scope="col">{t('verify.leaf')}</th>
                <th scope="col">{t('verify.observed')}</th>
              </tr>
            </thead>
            <tbody>
              {e.recorded.slice(0, SHOWN_RECORDS).map((r) => (
                <tr key={r.observationId}>
                  <th scope="row" data-label={t('files.version')} className="break">
                    {r.versionId}
                  </th>
                  <td data-label={t('files.sha1')}>
                    <code className="break">{r.sha1}</code>
                  </td>
                  <td data-label={t('files.size')}>{formatBytes(r.size, lang)}</td>
                  <td data-label={t('verify.leaf')}>{formatNumber(r.leafIndex, lang)}</td>
                  <td data-label={t('verify.observed')}>{formatDateTime(r.observedAt, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="actions start">
        <ApiDownloadButton path={bundlePath(v.id)} query={{ format: 'json' }}>
          {t('verify.bundleJson')}
        </ApiDownloadButton>
        <ApiDownloadButton path={bundlePath(v.id)} query={{ format: 'html' }}>
          {t('verify.bundleHtml')}
        </ApiDownloadButton>
      </div>
      <details className="raw-evidence">
        <summary>{t('verify.rawEvidence')}</summary>
        <pre>{JSON.stringify(e, null, 2)}</pre>
      </details>
    </div>
  );
}

const CODES = [
  'VERSION_HASH_CHANGED',
  'CONTENT_NOT_RECORDED',
  'VERSION_REMOVED',
  'CURRENT_VERSION_ROLLED_BACK',
  'VERSION_NEWER_THAN_WATERMARK',
  'VERSION_REMOVAL_AWAITING_EVENTS',
  'EVENT_NOT_IN_LEDGER_YET',
  'BASELINE_PENDING',
  'INGESTION_NOT_STARTED',
  'VERSION_ADDED',
  'VERSION_TRASHED',
  'VERSION_DELETED',
  'FILE_TRASHED',
  'FILE_DELETED',
  'NOT_IN_ANY_SET',
  'BOX_UNAVAILABLE',
  'BOX_ACCESS_DENIED',
  'LEDGER_UNREADABLE',
  'EVENTS_UNAVAILABLE',
  'MATCHES_RECORDS',
] as const satisfies readonly VerificationReason['code'][];

/** A reason in the UI language (the API's message is English), with the ids it rests on. */
export function ReasonText({ reason: r }: { reason: VerificationReason }) {
  const { t, i18n } = useTranslation();
  const known = (CODES as readonly string[]).includes(r.code);
  const details = [
    r.versionId ? t('verify.detailVersion', { id: r.versionId }) : null,
    r.recordedSha1 ? t('verify.detailRecorded', { sha1: r.recordedSha1 }) : null,
    r.boxSha1 ? t('verify.detailBox', { sha1: r.boxSha1 }) : null,
    r.leafIndex !== null && r.leafIndex !== undefined
      ? t('verify.detailLeaf', { index: formatNumber(r.leafIndex, i18n.language) })
      : null,
    r.eventId ? t('verify.detailEvent', { id: r.eventId }) : null,
    r.at ? formatDateTime(r.at, i18n.language) : null,
  ].filter(Boolean);
  return (
    <>
      {known ? t(`verify.reasons.${r.code as (typeof CODES)[number]}`) : r.message}
      {details.length > 0 ? <span className="hint block break">{details.join(' · ')}</span> : null}
    </>
  );
}
