import type { UserRec } from './types.ts';

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem}ul{list-style:none;padding:0}li{margin:.4rem 0}
button{width:100%;text-align:left;padding:.7rem 1rem;font-size:1rem;border:1px solid #0061d5;border-radius:6px;background:#fff;color:#0b3d91;cursor:pointer}
button:hover,button:focus{background:#e8f1fd;outline:3px solid #0061d5}
.deny{border-color:#767676;color:#333}.role{color:#555;font-size:.85rem}.note{color:#555;font-size:.9rem}`;

/** The consent page: one button per enterprise user ("Sign in as …"). */
export function renderAuthorizePage(input: {
  enterprise: string;
  hidden: Record<string, string>;
  users: UserRec[];
}): string {
  const hidden = Object.entries(input.hidden)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n      ');
  const buttons = input.users
    .map((u) => {
      const label = `Sign in as ${u.name} (${u.login})`;
      return `<li><button type="submit" name="login" value="${escapeHtml(u.login)}" aria-label="${escapeHtml(label)}">Sign in as ${escapeHtml(u.name)} <span class="role">${escapeHtml(u.login)} · ${u.role}</span></button></li>`;
    })
    .join('\n        ');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local Box — Sign in</title><style>${STYLE}</style></head>
<body>
  <main>
    <h1>Sign in to ${escapeHtml(input.enterprise)}</h1>
    <p class="note">This is the local Box used for development and demos. Choose who you are; no password is needed.</p>
    <form method="post" action="/api/oauth2/authorize">
      ${hidden}
      <ul aria-label="Users of ${escapeHtml(input.enterprise)}">
        ${buttons}
      </ul>
      <button type="submit" name="deny" value="1" class="deny" aria-label="Deny access">Deny access</button>
    </form>
  </main>
</body>
</html>`;
}

export function renderErrorPage(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local Box — Error</title><style>${STYLE}</style></head>
<body><main><h1>Cannot sign in</h1><p role="alert">${escapeHtml(message)}</p></main></body></html>`;
}
