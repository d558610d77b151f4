/** A polite live region for confirmations ("Saved."), always present so changes are announced. */
export function StatusMessage({ message }: { message: string | null | undefined }) {
  return (
    <p role="status" className={message ? 'status-message' : 'alert-empty'}>
      {message ?? ''}
    </p>
  );
}
