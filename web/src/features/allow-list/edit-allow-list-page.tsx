/** Changing what a folder item of a set allows (owner, co-owner, member, audit admin). */
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { PageHeading } from '../../ui/page-heading.tsx';
import { useAuditSet, useSetItem } from '../audit-sets/audit-sets-api.ts';
import type { SetNotice } from '../audit-sets/set-notice.ts';
import { ExistingAllowList } from './existing-allow-list.tsx';

export function EditAllowListPage() {
  const { setId = '', itemId = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const set = useAuditSet(setId);
  const item = useSetItem(setId, itemId);
  const back = `/audit-sets/${setId}`;
  return (
    <section className="page">
      <p className="breadcrumbs">
        <Link to="/audit-sets">{t('sets.title')}</Link> <span aria-hidden="true">›</span>{' '}
        <Link to={back}>{set.data?.name ?? t('sets.thisSet')}</Link>
      </p>
      <PageHeading>{t('allowList.editTitle', { name: item.data?.name ?? '' })}</PageHeading>
      <p className="muted">{t('allowList.editIntro')}</p>
      <section className="panel">
        <ExistingAllowList
          setId={setId}
          itemId={itemId}
          onCancel={() => navigate(back)}
          onSaved={(name) => {
            const notice: SetNotice = { key: 'items.rulesSavedMessage', name };
            navigate(back, { state: { notice } });
          }}
        />
      </section>
    </section>
  );
}
