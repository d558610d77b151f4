/**
 * `/box/file/:itemId` — where Box's integration menu leads for a file (product.md F7.2), after Box
 * sign-in: the file's details and history, and which of my audit sets contain it (add or remove at
 * once). The item id comes from the URL, the user from the session — never from the URL.
 */
import { useParams } from 'react-router';
import { FileDetailsView } from '../files/file-details-view.tsx';
import { ItemSetsPanel } from './item-sets-panel.tsx';

export function BoxFileEntryPage() {
  const { itemId = '' } = useParams();
  return (
    <FileDetailsView key={itemId} fileId={itemId} setId={undefined}>
      <ItemSetsPanel itemId={itemId} type="file" />
    </FileDetailsView>
  );
}
