/**
 * The organisation's log and its witness: size, the latest signed checkpoint and its age, the leaves
 * it does not cover yet, the newest cosignature the ledger imported, and the checkpoints the witness
 * refused (a fork or a rollback is an alarm, shown as one). Refusals the witness could not be asked
 * about are "unknown", never "none".
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatDateTime, formatNumber } from '../../ui/format.ts';
import { Loading } from '../../ui/loading.tsx';
import { formatDuration } from './duration.ts';
import { type LedgerStatus, useLedgerStatus, type WitnessRefusal } from './operations-api.ts';

const REFUSAL_CODES = {
  FORK: 'operations.refusalCodes.FORK',
  ROLLBACK: 'operations.refusalCodes.ROLLBACK',
  INCONSISTENT: 'operations.refusalCodes.INCONSISTENT',
  BAD_SIGNATURE: 'operations.refusalCodes.BAD_SIGNATURE',
  MALFORMED: 'operations.refusalCodes.MALFORMED',
  WRONG_ORIGIN: 'operations.refusalCodes.WRONG_ORIGIN',
} as const;

function LogFacts({ status }: { status: LedgerStatus }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const checkpoint = status.checkpoint;
  return (
    <dl className="facts">
      <div>
        <dt>{t('operations.ledger.origin')}</dt>
        <dd>
          <code className="break">{status.origin}</code>
        </dd>
      </div>
      <div>
        <dt>{t('operations.ledger.treeSize')}</dt>
        <dd>{formatNumber(status.treeSize, lang)}</dd>
      </div>
      <div>
        <dt>{t('operations.ledger.checkpoint')}</dt>
        <dd>
          {checkpoint
            ? t('operations.ledger.checkpointValue', {
                size: formatNumber(checkpoint.treeSize, lang),
                time: formatDateTime(checkpoint.signedAt, lang),
              })
            : t('operations.ledger.noCheckpoint')}
        </dd>
      </div>
      {checkpoint ? (
        <div>
          <dt>{t('operations.ledger.checkpointAge')}</dt>
          <dd>{formatDuration(checkpoint.ageSeconds, lang)}</dd>
        </div>
      ) : null}
      {checkpoint ? (
        <div>
          <dt>{t('operations.ledger.uncovered')}</dt>
          <dd>{formatNumber(checkpoint.uncoveredLeaves, lang)}</dd>
        </div>
      ) : null}
      <div>
        <dt>{t('operations.ledger.interval')}</dt>
        <dd>{formatDuration(status.checkpointIntervalSeconds, lang)}</dd>
      </div>
    </dl>
  );
}

function witnessState(w: LedgerStatus['witness']): {
  key: 'notConfigured' | 'reachable' | 'unreachable';
  ok: boolean;
} {
  if (!w.configured) return { key: 'notConfigured', ok: false };
  return w.reachable ? { key: 'reachable', ok: true } : { key: 'unreachable', ok: false };
}

const STATE_TEXT = {
  notConfigured: 'operations.witness.notConfigured',
  reachable: 'operations.witness.reachable',
  unreachable: 'operations.witness.unreachable',
} as const;

function RefusalsTable({ refusals }: { refusals: WitnessRefusal[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const code = (c: string) => (c in REFUSAL_CODES ? t(REFUSAL_CODES[c as keyof typeof REFUSAL_CODES]) : c);
  const size = (n: number | null) => (n === null ? '—' : formatNumber(n, lang));
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption>{t('operations.witness.refusalsCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('operations.witness.reason')}</th>
            <th scope="col">{t('operations.witness.size')}</th>
            <th scope="col">{t('operations.witness.previousSize')}</th>
            <th scope="col">{t('operations.witness.firstSeen')}</th>
            <th scope="col">{t('operations.witness.lastSeen')}</th>
            <th scope="col">{t('operations.witness.occurrences')}</th>
          </tr>
        </thead>
        <tbody>
          {refusals.map((r) => (
            <tr key={`${r.code}:${r.firstSeenAt}`} className="row-alarm">
              <th scope="row" data-label={t('operations.witness.reason')}>
                {code(r.code)}
              </th>
              <td data-label={t('operations.witness.size')}>{size(r.treeSize)}</td>
              <td data-label={t('operations.witness.previousSize')}>{size(r.previousSize)}</td>
              <td data-label={t('operations.witness.firstSeen')}>{formatDateTime(r.firstSeenAt, lang)}</td>
              <td data-label={t('operations.witness.lastSeen')}>{formatDateTime(r.lastSeenAt, lang)}</td>
              <td data-label={t('operations.witness.occurrences')}>{formatNumber(r.occurrences, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function WitnessFacts({ witness }: { witness: LedgerStatus['witness'] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const state = witnessState(witness);
  const last = witness.lastCosignature;
  return (
    <>
      <dl className="facts">
        <div>
          <dt>{t('operations.witness.state')}</dt>
          <dd>
            <span className={`badge ${state.ok ? 'badge-ok' : 'badge-muted'}`}>
              {t(STATE_TEXT[state.key])}
            </span>
          </dd>
        </div>
        <div>
          <dt>{t('operations.witness.lastCosignature')}</dt>
          <dd>
            {last
              ? t('operations.witness.cosignatureValue', {
                  size: formatNumber(last.treeSize, lang),
                  time: formatDateTime(last.cosignedAt, lang),
                })
              : t('operations.witness.noCosignature')}
          </dd>
        </div>
        {last ? (
          <div>
            <dt>{t('operations.witness.cosignatureAge')}</dt>
            <dd>{formatDuration(last.ageSeconds, lang)}</dd>
          </div>
        ) : null}
      </dl>
      {witness.refusals === null ? (
        witness.configured ? (
          <p className="muted">{t('operations.witness.refusalsUnknown')}</p>
        ) : null
      ) : witness.refusals.length === 0 ? (
        <p>{t('operations.witness.noRefusals')}</p>
      ) : (
        <div className="panel-alarm panel">
          <p>
            <strong>{t('operations.witness.refusalsAlarm')}</strong>
          </p>
          <RefusalsTable refusals={witness.refusals} />
        </div>
      )}
    </>
  );
}

export function LedgerPanel() {
  const { t } = useTranslation();
  const headingId = useId();
  const witnessId = useId();
  const ledger = useLedgerStatus();
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('operations.ledger.title')}</h2>
      <ErrorAlert error={ledger.error} />
      {ledger.isPending ? <Loading /> : null}
      {ledger.data ? <LogFacts status={ledger.data} /> : null}
      {ledger.data ? (
        <section aria-labelledby={witnessId} className="subpanel">
          <h3 id={witnessId}>{t('operations.witness.title')}</h3>
          <WitnessFacts witness={ledger.data.witness} />
        </section>
      ) : null}
    </section>
  );
}
