import { boxTime } from './clock.ts';
import { type FieldProviders, selectFields } from './fields.ts';
import type { BoxStore } from './store.ts';
import type { Json, UserRec } from './types.ts';

export function userMini(u: UserRec): Json {
  return { type: 'user', id: u.id, name: u.name, login: u.login };
}

/** Box's default user fields (`User`); role, enterprise and the rest of `User--Full` only via `fields`. */
export const USER_DEFAULT_FIELDS = [
  'type',
  'id',
  'name',
  'login',
  'created_at',
  'modified_at',
  'language',
  'timezone',
  'space_amount',
  'space_used',
  'max_upload_size',
  'status',
  'job_title',
  'phone',
  'address',
  'avatar_url',
] as const;

function spaceUsed(store: BoxStore, u: UserRec): number {
  let total = 0;
  for (const f of store.files.values()) {
    if (f.ownerId !== u.id) continue;
    for (const v of f.versions) total += v.size;
  }
  return total;
}

export function userFull(store: BoxStore, u: UserRec, fields?: string[]): Json {
  const p: FieldProviders = {
    type: () => 'user',
    id: () => u.id,
    name: () => u.name,
    login: () => u.login,
    created_at: () => boxTime(u.createdMs),
    modified_at: () => boxTime(u.modifiedMs),
    language: () => u.language,
    timezone: () => u.timezone,
    space_amount: () => u.spaceAmount,
    space_used: () => spaceUsed(store, u),
    max_upload_size: () => 5_368_709_120,
    status: () => u.status,
    job_title: () => u.jobTitle,
    phone: () => u.phone,
    address: () => u.address,
    avatar_url: () => `https://app.box.com/api/avatar/large/${u.id}`,
    role: () => u.role,
    enterprise: () =>
      u.kind === 'external'
        ? undefined
        : { id: store.enterprise.id, type: 'enterprise', name: store.enterprise.name },
    tracking_codes: () => [],
    can_see_managed_users: () => u.role !== 'user',
    is_sync_enabled: () => u.kind === 'managed',
    is_external_collab_restricted: () => false,
    is_exempt_from_device_limits: () => false,
    is_exempt_from_login_verification: () => false,
    my_tags: () => [],
    hostname: () => 'https://demo.app.box.com/',
    is_platform_access_only: () => false,
  };
  const out = selectFields(p, fields, USER_DEFAULT_FIELDS);
  delete out.etag;
  return out;
}
