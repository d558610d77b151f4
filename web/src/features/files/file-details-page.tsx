/** `/files/:fileId?setId=…`: the file details page (every role, as far as the API allows). */
import { useParams, useSearchParams } from 'react-router';
import { FileDetailsView } from './file-details-view.tsx';

export function FileDetailsPage() {
  const { fileId = '' } = useParams();
  const [params] = useSearchParams();
  const setId = params.get('setId') ?? undefined;
  return <FileDetailsView key={`${fileId}:${setId ?? ''}`} fileId={fileId} setId={setId} />;
}
