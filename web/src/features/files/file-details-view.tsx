/**
 * Everything about one file (product.md F4, F6.4): properties, preview and download, verification
 * with its evidence, versions (with the current one), copies, collaborators and its event history.
 * `setId` is the audit set it was opened from (how external auditors and set members reach it;
 * accesses are logged against it).
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Loading } from '../../ui/loading.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { FileCopies } from './file-copies.tsx';
import { FilePreview } from './file-preview.tsx';
import { FileProperties } from './file-properties.tsx';
import { FileVerification } from './file-verification.tsx';
import { FileVersions } from './file-versions.tsx';
import { useFileDetails } from './files-api.ts';
import { ItemCollaborators } from './item-collaborators.tsx';
import { ItemHistory } from './item-history.tsx';

export function FileDetailsView({
  fileId,
  setId,
  children,
}: {
  fileId: string;
  setId: string | undefined;
  /** Extra panels under the properties (the Box entry page's "in my audit sets"). */
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const file = useFileDetails(fileId, setId);
  if (file.isPending) return <Loading />;
  if (file.isError) {
    return (
      <section className="page">
        <PageHeading>{t('files.notAvailable')}</PageHeading>
        <ErrorAlert error={file.error} />
        <Link to="/audit-sets">{t('sets.backToList')}</Link>
      </section>
    );
  }
  const f = file.data;
  return (
    <section className="page">
      {setId ? (
        <p className="breadcrumbs">
          <Link to={`/audit-sets/${setId}`}>{t('files.backToSet')}</Link>
        </p>
      ) : null}
      <PageHeading>{f.name}</PageHeading>
      <div className="details-grid">
        <FileProperties file={f} />
        <FilePreview file={f} setId={setId} />
      </div>
      {children}
      <FileVerification file={f} setId={setId} />
      <FileVersions fileId={f.id} setId={setId} />
      <FileCopies fileId={f.id} setId={setId} />
      <ItemCollaborators type="file" itemId={f.id} setId={setId} />
      <ItemHistory itemId={f.id} setId={setId} />
    </section>
  );
}
