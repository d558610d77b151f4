/**
 * A link the browser itself downloads (streamed by our API with the session cookie). If the access
 * token is about to expire, it is renewed first, so the download does not fail with 401.
 */
import { type ReactNode, useRef } from 'react';
import { accessTokenExpiring } from '../api/access-expiry.ts';
import { ensureFreshSession } from '../api/api-client.ts';

export function DownloadLink({
  href,
  children,
  className,
}: {
  href: string;
  children: ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLAnchorElement>(null);
  const renewed = useRef(false);
  return (
    <a
      ref={ref}
      href={href}
      className={className}
      download
      onClick={(event) => {
        if (renewed.current) {
          renewed.current = false;
          return;
        }
        if (!accessTokenExpiring()) return;
        event.preventDefault();
        void ensureFreshSession().finally(() => {
          renewed.current = true;
          ref.current?.click();
        });
      }}
    >
      {children}
    </a>
  );
}
