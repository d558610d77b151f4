import type { BoxStore } from './store.ts';
import type { BoxRole, UserRec } from './types.ts';

const TIMEZONES = ['Europe/London', 'America/New_York', 'Asia/Tokyo', 'Europe/Berlin', 'America/Los_Angeles'];

export function createUser(
  store: BoxStore,
  input: {
    login: string;
    name: string;
    role: BoxRole;
    jobTitle?: string;
    kind?: UserRec['kind'];
    appClientId?: string;
  },
  createdMs: number,
): UserRec {
  const n = store.users.size;
  const user: UserRec = {
    id: store.nextId('user'),
    name: input.name,
    login: input.login,
    role: input.role,
    kind: input.kind ?? 'managed',
    status: 'active',
    createdMs,
    modifiedMs: createdMs,
    jobTitle: input.jobTitle ?? '',
    phone: `+44 20 7946 ${String(100 + n * 37)
      .slice(-4)
      .padStart(4, '0')}`,
    address: '1 Example Street, London',
    timezone: TIMEZONES[n % TIMEZONES.length]!,
    language: 'en',
    spaceAmount: 10_737_418_240,
    ip: `10.20.${Math.floor(n / 200)}.${(n % 200) + 10}`,
    ...(input.appClientId ? { appClientId: input.appClientId } : {}),
  };
  store.users.set(user.id, user);
  store.dirty = true;
  return user;
}

/** The CCG app's service account ("AutomationUser_…@boxdevedition.com"), created on first use. */
export function serviceAccountFor(store: BoxStore, clientId: string, index: number): UserRec {
  for (const u of store.users.values())
    if (u.kind === 'service_account' && u.appClientId === clientId) return u;
  const id = store.counters.user ?? 0;
  return createUser(
    store,
    {
      login: `AutomationUser_${2_000_000 + id}_${store.rng.hex(10)}@boxdevedition.com`,
      name: `Service Account ${index + 1}`,
      role: 'coadmin',
      kind: 'service_account',
      appClientId: clientId,
    },
    store.now().getTime(),
  );
}
