/**
 * The authorisation matrix (quality.md §4, product.md §2, §5, F3.5, F4.4, F4.6, F5.2, F5.8, F6.1,
 * F6.5): every route of the audit, file, event and verification services — the list taken from the
 * app's own route table, so a route without a row fails — against every kind of caller, with the
 * outcome product.md's rules give:
 *
 *   view a set              any collaborator (owner, co-owner, member, reviewer direct or by group), AA
 *   edit items              owner, co-owner, member, AA
 *   edit set, collaborators owner, co-owner, AA
 *   delete                  owner, AA
 *   create sets and groups  AA (of their own organisation)
 *   access logs             owner, co-owner, member, AA — not reviewers
 *   items                   AA everything of their organisation; others what their sets allow
 *   ledger leaves, proofs   AA (and `ledger:read` tokens); checkpoints every signed-in user
 *   operations status       AA (and `admin` tokens): ingestion, log and witness of their organisation
 *
 * A set one may not view answers 404 (its existence does not leak); one one may view but not change
 * answers 403; another organisation gets 404 (or 409 BOX_NOT_CONFIGURED on file routes: that
 * organisation has no Box at all); a read-only API token gets INSUFFICIENT_SCOPE on writes;
 * anonymous callers 401. Deny by default: a 2xx where the rules say no fails, and so does a refusal
 * or a response that carries names of the organisation's sets and files to someone who may not see
 * them. The matrix is printed at the end for review.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import {
  ACTOR_LABELS,
  ACTORS,
  type ActorName,
  type Fixture,
  startSecurityFixture,
  tableCounts,
} from './security-fixture.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Req {
  method: Method;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * ok: 2xx (and the row's check). forbidden: 403 FORBIDDEN. hidden: 404. unauth: 401. scope: 403
 * INSUFFICIENT_SCOPE. noBox: 409 BOX_NOT_CONFIGURED (an organisation without Box asks the file
 * service). isolated: the caller's own organisation answers — 404 or 400 (nothing of that kind in
 * its own organisation), or 2xx — and the answer carries nothing of ours.
 */
type Outcome = 'ok' | 'forbidden' | 'hidden' | 'unauth' | 'scope' | 'noBox' | 'isolated';
type Rule = (actor: ActorName) => Outcome;

interface Row {
  /** `METHOD /url/template` as in `app.routes`. */
  route: string;
  /** What the request is about (a sentence fragment). */
  target: string;
  rule: Rule;
  request(f: Fixture, actor: ActorName): Promise<Req> | Req;
  /** Exact success status when it matters (201, 202, 204). */
  okStatus?: number;
  /** For 2xx answers: a problem with what this actor was shown, if any. */
  check?(res: LightMyRequestResponse, actor: ActorName, f: Fixture): string | undefined;
}

const SERVICES = ['audit-service', 'file-service', 'event-service', 'verification-service'];

const SET_VIEWERS: ActorName[] = ['AA', 'CO_OWNER', 'GU_MEMBER', 'EA_REVIEWER', 'EA_GROUP'];
const SET_PERMISSIONS = {
  view: SET_VIEWERS,
  editItems: ['AA', 'CO_OWNER', 'GU_MEMBER'],
  accessLogs: ['AA', 'CO_OWNER', 'GU_MEMBER'],
  editSet: ['AA', 'CO_OWNER'],
  // The owner, and every audit admin (the co-owner is one).
  delete: ['AA', 'CO_OWNER'],
} satisfies Record<string, ActorName[]>;
/** Who sees everything of the organisation (the read-only token is the AA's). */
const ORG_WIDE: ActorName[] = ['AA', 'CO_OWNER', 'TOKEN_READ'];
const mayViewSet = (a: ActorName) => SET_VIEWERS.includes(a) || a === 'TOKEN_READ';

function common(actor: ActorName, method: Method): Outcome | undefined {
  if (actor === 'ANONYMOUS') return 'unauth';
  if (actor === 'TOKEN_READ' && method !== 'GET') return 'scope';
  return undefined;
}

/** Object-level rules of one audit set of organisation A. */
const setRule =
  (permission: keyof typeof SET_PERMISSIONS, method: Method): Rule =>
  (a) =>
    common(a, method) ??
    (a === 'TOKEN_READ' || (SET_PERMISSIONS[permission] as ActorName[]).includes(a)
      ? 'ok'
      : SET_VIEWERS.includes(a)
        ? 'forbidden'
        : 'hidden');

/** Audit-admin-only actions: `own` ones act in the caller's organisation, `object` ones on org A's. */
const adminRule =
  (kind: 'own' | 'list' | 'object', method: Method): Rule =>
  (a) =>
    common(a, method) ??
    (ORG_WIDE.includes(a)
      ? 'ok'
      : a === 'OTHER_ORG_AA'
        ? kind === 'own'
          ? 'ok'
          : kind === 'list'
            ? 'isolated'
            : 'hidden'
        : 'forbidden');

/** An item (file, folder, its events or verifications): AAs always; the set's viewers if it is allowed. */
const itemRule =
  (allowed: boolean, method: Method, otherOrg: Outcome): Rule =>
  (a) =>
    common(a, method) ??
    (ORG_WIDE.includes(a)
      ? 'ok'
      : a === 'OTHER_ORG_AA'
        ? otherOrg
        : allowed && SET_VIEWERS.includes(a)
          ? 'ok'
          : 'hidden');

/** Scoped lists and searches: every signed-in user gets an answer, scoped to what they may see. */
const signedIn: Rule = (a) => common(a, 'GET') ?? (a === 'OTHER_ORG_AA' ? 'isolated' : 'ok');
const checkpoints: Rule = signedIn;
/** Leaves and proofs: audit admins; API tokens need `ledger:read` (the read-only token lacks it). */
const ledgerLeaves: Rule = (a) =>
  a === 'ANONYMOUS'
    ? 'unauth'
    : a === 'TOKEN_READ'
      ? 'scope'
      : a === 'AA' || a === 'CO_OWNER'
        ? 'ok'
        : a === 'OTHER_ORG_AA'
          ? 'isolated'
          : 'forbidden';
const everyone: Rule = () => 'ok';
/**
 * Operations status of the caller's organisation (ADMIN_ONLY): audit admins; API tokens need the
 * `admin` scope; another organisation's admin is answered about its own organisation.
 */
const operations: Rule = (a) =>
  a === 'ANONYMOUS'
    ? 'unauth'
    : a === 'TOKEN_READ'
      ? 'scope'
      : a === 'AA' || a === 'CO_OWNER'
        ? 'ok'
        : a === 'OTHER_ORG_AA'
          ? 'isolated'
          : 'forbidden';
const nobody: Rule = (a) => common(a, 'GET') ?? 'hidden';
/** Service routes: no user credential opens them. The webhook: only Box's signature does. */
const serviceOnly: Rule = () => 'unauth';

// ---------------------------------------------------------------------------------------------
// What a caller was shown.

/** Every string value anywhere in a JSON document. */
function stringsOf(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsOf(v, out);
  return out;
}
const jsonOf = (res: LightMyRequestResponse): unknown => JSON.parse(res.body);

function setListed(res: LightMyRequestResponse, a: ActorName, f: Fixture): string | undefined {
  const listed = stringsOf(jsonOf(res)).has(f.setId);
  const should = mayViewSet(a);
  return listed === should ? undefined : `the fixture set is ${listed ? '' : 'not '}listed`;
}

/**
 * Events (and anything built from them) of the three files: the AA sees all three; the set's
 * viewers the allowed file's only; everyone else none (F3.5).
 */
function eventsScoped(res: LightMyRequestResponse, a: ActorName, f: Fixture): string | undefined {
  const doc = jsonOf(res) as { subject?: { query?: unknown } };
  // An evidence bundle repeats the caller's own query (the ids they asked for): not something shown.
  if (doc.subject) delete doc.subject.query;
  const seen = stringsOf(doc);
  const want = {
    allowed: ORG_WIDE.includes(a) || SET_VIEWERS.includes(a),
    excluded: ORG_WIDE.includes(a),
    outside: ORG_WIDE.includes(a),
  };
  const problems = (['allowed', 'excluded', 'outside'] as const).flatMap((k) => {
    const id = f.ids[`${k}File`];
    return seen.has(id) === want[k] ? [] : [`${k} file ${want[k] ? 'missing' : 'shown'}`];
  });
  return problems.length ? problems.join(', ') : undefined;
}

function statsScoped(res: LightMyRequestResponse, a: ActorName): string | undefined {
  const total = (jsonOf(res) as { total: number }).total;
  const mayHave = ORG_WIDE.includes(a) || SET_VIEWERS.includes(a);
  if (mayHave && total === 0) return 'counts nothing';
  if (!mayHave && total !== 0) return `counts ${total} events of items the caller may not see`;
  return undefined;
}

/** A folder listing: the excluded file only for org-wide callers (unless `setRules`), the allowed always. */
const listingScoped =
  (setRules: boolean) =>
  (res: LightMyRequestResponse, a: ActorName, f: Fixture): string | undefined => {
    const ids = (jsonOf(res) as { items: { id: string }[] }).items.map((i) => i.id);
    if (!ids.includes(f.ids.allowedFile)) return 'the allowed file is missing';
    const excludedShown = ids.includes(f.ids.excludedFile);
    const should = !setRules && ORG_WIDE.includes(a);
    return excludedShown === should ? undefined : `the excluded file is ${should ? 'missing' : 'shown'}`;
  };

/** Copies of the allowed file: org-wide callers see both; the set's viewers only the one inside the set. */
function copiesScoped(res: LightMyRequestResponse, a: ActorName, f: Fixture): string | undefined {
  const ids = (jsonOf(res) as { items: { fileId: string }[] }).items.map((c) => c.fileId);
  if (!ids.includes(f.ids.copyInside)) return 'the copy inside the set is missing';
  const outside = ids.includes(f.ids.copyOutside);
  const should = ORG_WIDE.includes(a);
  return outside === should ? undefined : `the copy outside the set is ${should ? 'missing' : 'shown'}`;
}

function groupListed(res: LightMyRequestResponse, _a: ActorName, f: Fixture): string | undefined {
  return stringsOf(jsonOf(res)).has(f.groupId) ? undefined : 'the fixture group is missing';
}

// ---------------------------------------------------------------------------------------------
// The rows.

const get = (url: string): Req => ({ method: 'GET', url });
const A = '/api/v1';

const collaboratorsBody = (f: Fixture) => ({
  collaborators: [
    { userId: f.people.CO_OWNER.userId, role: 'CO_OWNER' },
    { userId: f.people.GU_MEMBER.userId, role: 'MEMBER' },
    { userId: f.people.EA_REVIEWER.userId, role: 'REVIEWER' },
  ],
  groups: [f.groupId],
});

function fileRows(): Row[] {
  const rows: Row[] = [];
  const variants = [
    ['the allowed file', 'allowedFile', true],
    ['the excluded file', 'excludedFile', false],
  ] as const;
  for (const [target, key, allowed] of variants) {
    for (const suffix of ['', '/versions', '/content', '/preview'])
      rows.push({
        route: `GET ${A}/files/:id${suffix}`,
        target,
        rule: itemRule(allowed, 'GET', 'noBox'),
        request: (f) => get(`${A}/files/${f.ids[key]}${suffix}`),
      });
  }
  rows.push(
    {
      route: `GET ${A}/files/:id`,
      target: 'a file in no set',
      rule: itemRule(false, 'GET', 'noBox'),
      request: (f) => get(`${A}/files/${f.ids.outsideFile}`),
    },
    {
      route: `GET ${A}/files/:id`,
      target: 'the allowed file through the set (setId=)',
      rule: itemRule(true, 'GET', 'noBox'),
      request: (f) => get(`${A}/files/${f.ids.allowedFile}?setId=${f.setId}`),
    },
    {
      route: `GET ${A}/files/:id`,
      target: 'the allowed file through a set that does not hold it (setId=)',
      rule: (a) => common(a, 'GET') ?? (a === 'OTHER_ORG_AA' ? 'noBox' : 'hidden'),
      request: async (f) => get(`${A}/files/${f.ids.allowedFile}?setId=${await f.scratchSet()}`),
    },
    {
      route: `GET ${A}/files/:id`,
      target: 'a file that only a deleted set held (both Box users see it in Box)',
      rule: (a) =>
        common(a, 'GET') ??
        (a === 'OTHER_ORG_AA'
          ? 'noBox'
          : ORG_WIDE.includes(a) || a === 'GU_MEMBER' || a === 'GU_OUTSIDER'
            ? 'ok'
            : 'hidden'),
      request: async (f) => {
        await f.scratchSet({ item: { file: f.ids.deletedSetFile }, deleted: true });
        return get(`${A}/files/${f.ids.deletedSetFile}`);
      },
    },
    {
      route: `GET ${A}/files/:id/copies`,
      target: 'the allowed file',
      rule: itemRule(true, 'GET', 'noBox'),
      request: (f) => get(`${A}/files/${f.ids.allowedFile}/copies?limit=500`),
      check: copiesScoped,
    },
    {
      route: `GET ${A}/files/:id/collaborators`,
      target: 'the allowed file',
      rule: itemRule(true, 'GET', 'noBox'),
      request: (f) => get(`${A}/files/${f.ids.allowedFile}/collaborators`),
    },
    {
      route: `GET ${A}/files/:id/collaborators`,
      target: 'the excluded file',
      rule: itemRule(false, 'GET', 'noBox'),
      request: (f) => get(`${A}/files/${f.ids.excludedFile}/collaborators`),
    },
    {
      route: `GET ${A}/folders/:id`,
      target: "the set's folder",
      rule: itemRule(true, 'GET', 'noBox'),
      request: (f) => get(`${A}/folders/${f.ids.setFolder}`),
    },
    {
      route: `GET ${A}/folders/:id`,
      target: 'a folder in no set',
      rule: itemRule(false, 'GET', 'noBox'),
      request: (f) => get(`${A}/folders/${f.ids.outsideFolder}`),
    },
    {
      route: `GET ${A}/folders/:id/items`,
      target: "the set's folder",
      rule: itemRule(true, 'GET', 'noBox'),
      request: (f) => get(`${A}/folders/${f.ids.setFolder}/items?limit=500`),
      check: listingScoped(false),
    },
    {
      route: `GET ${A}/folders/:id/items`,
      target: 'a folder in no set',
      rule: itemRule(false, 'GET', 'noBox'),
      request: (f) => get(`${A}/folders/${f.ids.outsideFolder}/items`),
    },
    {
      route: `GET ${A}/folders/:id/collaborators`,
      target: "the set's folder",
      rule: itemRule(true, 'GET', 'noBox'),
      request: (f) => get(`${A}/folders/${f.ids.setFolder}/collaborators`),
    },
    {
      route: `GET ${A}/folders/:id/collaborators`,
      target: 'a folder in no set',
      rule: itemRule(false, 'GET', 'noBox'),
      request: (f) => get(`${A}/folders/${f.ids.outsideFolder}/collaborators`),
    },
  );
  return rows;
}

const ROWS: Row[] = [
  // ---- audit service: sets
  {
    route: `GET ${A}/audit-sets`,
    target: 'my audit sets',
    rule: signedIn,
    request: () => get(`${A}/audit-sets?limit=200`),
    check: setListed,
  },
  {
    route: `POST ${A}/audit-sets`,
    target: 'a new set',
    rule: adminRule('own', 'POST'),
    okStatus: 201,
    request: (f) => ({ method: 'POST', url: `${A}/audit-sets`, body: { name: f.unique('New set') } }),
  },
  {
    route: `GET ${A}/audit-sets/:id`,
    target: 'the fixture set',
    rule: setRule('view', 'GET'),
    request: (f) => get(`${A}/audit-sets/${f.setId}`),
  },
  {
    route: `GET ${A}/audit-sets/:id`,
    target: 'a deleted set like the fixture set',
    // Audit admins may look at (and restore) a deleted set; to everyone else it is gone.
    rule: (a) => common(a, 'GET') ?? (ORG_WIDE.includes(a) ? 'ok' : 'hidden'),
    request: async (f) => get(`${A}/audit-sets/${await f.scratchSet({ deleted: true })}`),
  },
  {
    route: `GET ${A}/audit-sets/:id/items`,
    target: 'a deleted set like the fixture set',
    rule: nobody,
    request: async (f) => get(`${A}/audit-sets/${await f.scratchSet({ deleted: true })}/items`),
  },
  {
    route: `PATCH ${A}/audit-sets/:id`,
    target: 'a set like the fixture set',
    rule: setRule('editSet', 'PATCH'),
    request: async (f) => ({
      method: 'PATCH',
      url: `${A}/audit-sets/${await f.scratchSet()}`,
      body: { description: 'changed' },
    }),
  },
  {
    route: `DELETE ${A}/audit-sets/:id`,
    target: 'a set like the fixture set',
    rule: setRule('delete', 'DELETE'),
    okStatus: 204,
    request: async (f) => ({ method: 'DELETE', url: `${A}/audit-sets/${await f.scratchSet()}` }),
  },
  {
    route: `POST ${A}/audit-sets/:id/restore`,
    target: 'a deleted set like the fixture set',
    rule: adminRule('object', 'POST'),
    request: async (f) => ({
      method: 'POST',
      url: `${A}/audit-sets/${await f.scratchSet({ deleted: true })}/restore`,
    }),
  },
  {
    route: `GET ${A}/audit-sets/:id/collaborators`,
    target: 'the fixture set',
    rule: setRule('view', 'GET'),
    request: (f) => get(`${A}/audit-sets/${f.setId}/collaborators`),
  },
  {
    route: `PUT ${A}/audit-sets/:id/collaborators`,
    target: 'a set like the fixture set',
    rule: setRule('editSet', 'PUT'),
    request: async (f) => ({
      method: 'PUT',
      url: `${A}/audit-sets/${await f.scratchSet()}/collaborators`,
      body: collaboratorsBody(f),
    }),
  },
  {
    route: `PUT ${A}/audit-sets/:id/owner`,
    target: 'a set like the fixture set, to its co-owner',
    rule: setRule('editSet', 'PUT'),
    request: async (f) => ({
      method: 'PUT',
      url: `${A}/audit-sets/${await f.scratchSet()}/owner`,
      body: { userId: f.people.CO_OWNER.userId },
    }),
  },
  {
    route: `PUT ${A}/audit-sets/:id/favourite`,
    target: 'the fixture set',
    rule: setRule('view', 'PUT'),
    okStatus: 204,
    request: (f) => ({
      method: 'PUT',
      url: `${A}/audit-sets/${f.setId}/favourite`,
      body: { favourite: true },
    }),
  },
  // ---- audit service: items
  {
    route: `GET ${A}/audit-sets/:id/items`,
    target: 'the fixture set',
    rule: setRule('view', 'GET'),
    request: (f) => get(`${A}/audit-sets/${f.setId}/items`),
  },
  {
    route: `POST ${A}/audit-sets/:id/items`,
    target: 'a set like the fixture set, adding a file the member sees in Box',
    rule: setRule('editItems', 'POST'),
    okStatus: 202,
    request: async (f) => ({
      method: 'POST',
      url: `${A}/audit-sets/${await f.scratchSet()}/items`,
      body: { itemId: f.ids.scratchFile, type: 'file' },
    }),
  },
  {
    route: `GET ${A}/audit-sets/:id/items/:itemId`,
    target: "the fixture set's folder",
    rule: setRule('view', 'GET'),
    request: (f) => get(`${A}/audit-sets/${f.setId}/items/${f.ids.setFolder}`),
  },
  {
    route: `PUT ${A}/audit-sets/:id/items/:itemId`,
    target: "a set like the fixture set, its folder's rules",
    rule: setRule('editItems', 'PUT'),
    okStatus: 202,
    request: async (f) => ({
      method: 'PUT',
      url: `${A}/audit-sets/${await f.scratchSet({ item: 'folder' })}/items/${f.ids.scratchFolder}`,
      body: {
        rules: [
          { itemId: f.ids.scratchFolder, itemType: 'folder', effect: 'include', scope: 'subtree' },
          { itemId: f.ids.scratchFile, itemType: 'file', effect: 'exclude', scope: 'item' },
        ],
      },
    }),
  },
  {
    route: `DELETE ${A}/audit-sets/:id/items/:itemId`,
    target: 'a set like the fixture set, removing its file',
    rule: setRule('editItems', 'DELETE'),
    okStatus: 204,
    request: async (f) => ({
      method: 'DELETE',
      url: `${A}/audit-sets/${await f.scratchSet({ item: 'file' })}/items/${f.ids.scratchFile}`,
    }),
  },
  {
    route: `GET ${A}/audit-sets/:id/items/:itemId/children`,
    target: "the fixture set's folder",
    rule: setRule('view', 'GET'),
    request: (f) => get(`${A}/audit-sets/${f.setId}/items/${f.ids.setFolder}/children?limit=1000`),
    check: listingScoped(true),
  },
  {
    route: `GET ${A}/audit-sets/:id/access-logs`,
    target: 'the fixture set',
    rule: setRule('accessLogs', 'GET'),
    request: (f) => get(`${A}/audit-sets/${f.setId}/access-logs`),
    check: (res) => ((jsonOf(res) as { items: unknown[] }).items.length > 0 ? undefined : 'no entries'),
  },
  {
    route: `GET ${A}/items/:itemId/audit-sets`,
    target: "the fixture set's folder",
    rule: signedIn,
    request: (f) => get(`${A}/items/${f.ids.setFolder}/audit-sets`),
    check: setListed,
  },
  {
    route: `PUT ${A}/items/:itemId/audit-sets`,
    target: 'a file the member sees in Box, added to a set like the fixture set',
    rule: setRule('editItems', 'PUT'),
    request: async (f) => ({
      method: 'PUT',
      url: `${A}/items/${f.ids.scratchFile}/audit-sets`,
      body: { type: 'file', add: [await f.scratchSet()], remove: [] },
    }),
  },
  // ---- audit service: groups
  {
    route: `GET ${A}/audit-groups`,
    target: "the organisation's groups",
    rule: adminRule('list', 'GET'),
    request: () => get(`${A}/audit-groups`),
    check: groupListed,
  },
  {
    route: `POST ${A}/audit-groups`,
    target: 'a new group',
    rule: adminRule('own', 'POST'),
    okStatus: 201,
    request: (f) => ({
      method: 'POST',
      url: `${A}/audit-groups`,
      body: { name: f.unique('New group'), memberIds: [] },
    }),
  },
  {
    route: `GET ${A}/audit-groups/:id`,
    target: 'the fixture group',
    rule: adminRule('object', 'GET'),
    request: (f) => get(`${A}/audit-groups/${f.groupId}`),
  },
  {
    route: `PATCH ${A}/audit-groups/:id`,
    target: 'a group of the organisation',
    rule: adminRule('object', 'PATCH'),
    request: async (f) => ({
      method: 'PATCH',
      url: `${A}/audit-groups/${await f.scratchGroup()}`,
      body: { description: 'changed' },
    }),
  },
  {
    route: `DELETE ${A}/audit-groups/:id`,
    target: 'a group of the organisation',
    rule: adminRule('object', 'DELETE'),
    okStatus: 204,
    request: async (f) => ({ method: 'DELETE', url: `${A}/audit-groups/${await f.scratchGroup()}` }),
  },

  // ---- file service
  ...fileRows(),

  // ---- event service
  {
    route: `GET ${A}/events`,
    target: 'the last 15 days',
    rule: signedIn,
    request: () => get(`${A}/events?limit=500`),
    check: eventsScoped,
  },
  {
    route: `GET ${A}/events`,
    target: 'the fixture set (auditSet=)',
    rule: setRule('view', 'GET'),
    request: (f) => get(`${A}/events?limit=500&auditSet=${f.setId}`),
    check: (res, _a, f) => {
      const seen = stringsOf(jsonOf(res));
      if (!seen.has(f.ids.allowedFile)) return 'the allowed file is missing';
      if (seen.has(f.ids.excludedFile) || seen.has(f.ids.outsideFile)) return 'files outside the set shown';
      return undefined;
    },
  },
  {
    route: `GET ${A}/events/export`,
    target: 'the last 15 days as JSON',
    rule: signedIn,
    request: () => get(`${A}/events/export?format=json`),
    check: eventsScoped,
  },
  {
    route: `GET ${A}/events/stats`,
    target: 'the last 15 days',
    rule: signedIn,
    request: () => get(`${A}/events/stats`),
    check: statsScoped,
  },
  {
    route: `GET ${A}/items/:id/events`,
    target: 'the allowed file',
    rule: itemRule(true, 'GET', 'isolated'),
    request: (f) => get(`${A}/items/${f.ids.allowedFile}/events`),
  },
  {
    route: `GET ${A}/items/:id/events`,
    target: 'the excluded file',
    rule: itemRule(false, 'GET', 'isolated'),
    request: (f) => get(`${A}/items/${f.ids.excludedFile}/events`),
  },
  {
    route: `GET ${A}/events/ingest-status`,
    target: "the organisation's ingestion",
    rule: operations,
    request: () => get(`${A}/events/ingest-status`),
  },
  {
    route: `POST ${A}/webhooks/box`,
    target: 'an unsigned delivery',
    rule: serviceOnly,
    request: () => ({ method: 'POST', url: `${A}/webhooks/box`, body: { id: randomUUID() } }),
  },

  // ---- verification service: ledger
  {
    route: `GET ${A}/ledger/checkpoint`,
    target: "the organisation's log",
    rule: checkpoints,
    request: () => get(`${A}/ledger/checkpoint`),
  },
  {
    route: `GET ${A}/ledger/checkpoints/:treeSize`,
    target: 'the signed tree size',
    rule: checkpoints,
    request: (f) => get(`${A}/ledger/checkpoints/${f.treeSize}`),
  },
  {
    route: `GET ${A}/ledger/witness`,
    target: 'the cosigned checkpoint',
    rule: checkpoints,
    request: () => get(`${A}/ledger/witness`),
  },
  {
    route: `GET ${A}/ledger/status`,
    target: "the organisation's log, checkpoint and witness",
    rule: operations,
    request: () => get(`${A}/ledger/status`),
  },
  {
    route: `GET ${A}/ledger/proofs/inclusion`,
    target: 'leaf 0',
    rule: ledgerLeaves,
    request: (f) => get(`${A}/ledger/proofs/inclusion?index=0&treeSize=${f.treeSize}`),
  },
  {
    route: `GET ${A}/ledger/proofs/consistency`,
    target: 'from 1 to the signed tree size',
    rule: ledgerLeaves,
    request: (f) => get(`${A}/ledger/proofs/consistency?from=1&to=${f.treeSize}`),
  },
  {
    route: `GET ${A}/ledger/leaves/:index`,
    target: 'leaf 0',
    rule: ledgerLeaves,
    request: () => get(`${A}/ledger/leaves/0`),
  },
  {
    route: `GET ${A}/ledger/public-keys`,
    target: 'the verifier keys',
    rule: everyone,
    request: () => get(`${A}/ledger/public-keys`),
  },
  // ---- verification service: files and sets
  ...(
    [
      ['the allowed file', 'allowedFile', true],
      ['the excluded file', 'excludedFile', false],
    ] as const
  ).flatMap(([target, key, allowed]): Row[] => [
    {
      route: `POST ${A}/files/:id/verifications`,
      target,
      rule: itemRule(allowed, 'POST', 'isolated'),
      okStatus: 201,
      request: (f) => ({ method: 'POST', url: `${A}/files/${f.ids[key]}/verifications`, body: {} }),
    },
    {
      route: `GET ${A}/files/:id/verifications`,
      target,
      rule: itemRule(allowed, 'GET', 'isolated'),
      request: (f) => get(`${A}/files/${f.ids[key]}/verifications`),
    },
  ]),
  ...(
    [
      ["the AA's verification of the allowed file", 'allowedVerification', true],
      ["the AA's verification of the excluded file", 'excludedVerification', false],
    ] as const
  ).flatMap(([target, key, allowed]): Row[] =>
    ['', '/bundle'].map((suffix) => ({
      route: `GET ${A}/verifications/:id${suffix}`,
      target,
      rule: itemRule(allowed, 'GET', 'hidden'),
      request: (f: Fixture) => get(`${A}/verifications/${f.ids[key]}${suffix}`),
    })),
  ),
  ...['', '/bundle'].map(
    (suffix): Row => ({
      route: `GET ${A}/verifications/:id${suffix}`,
      target: "the fixture set's verification run",
      rule: setRule('view', 'GET'),
      request: (f) => get(`${A}/verifications/${f.ids.setRun}${suffix}`),
    }),
  ),
  {
    route: `GET ${A}/events/bundle`,
    target: 'the last 15 days',
    rule: signedIn,
    request: () => get(`${A}/events/bundle`),
    check: eventsScoped,
  },
  {
    route: `POST ${A}/audit-sets/:id/verifications`,
    target: 'the fixture set',
    rule: setRule('view', 'POST'),
    okStatus: 202,
    request: (f) => ({ method: 'POST', url: `${A}/audit-sets/${f.setId}/verifications` }),
  },
  {
    route: `GET ${A}/audit-sets/:id/verifications`,
    target: 'the fixture set',
    rule: setRule('view', 'GET'),
    request: (f) => get(`${A}/audit-sets/${f.setId}/verifications`),
  },
  ...['', '/files', '/progress'].flatMap((suffix): Row[] => [
    {
      route: `GET ${A}/audit-sets/:id/verifications/:verificationId${suffix}`,
      target: "the fixture set's run",
      rule: setRule('view', 'GET'),
      request: (f) => get(`${A}/audit-sets/${f.setId}/verifications/${f.ids.setRun}${suffix}`),
    },
  ]),
  {
    route: `GET ${A}/audit-sets/:id/verifications/:verificationId`,
    target: "the fixture set's run named under another set",
    rule: nobody,
    request: async (f) => get(`${A}/audit-sets/${await f.scratchSet()}/verifications/${f.ids.setRun}`),
  },
];

/** Service-to-service routes: a valid-looking call that no user credential may make. */
function serviceRow(method: string, url: string): Row {
  return {
    route: `${method} ${url}`,
    target: 'a call without the service secret',
    rule: serviceOnly,
    request: (f) => ({
      method: method as Method,
      url: url.replace(':subscriber', 'test').replace(':id', f.setId),
      ...(method === 'GET' ? {} : { body: { orgId: f.orgId } }),
    }),
  };
}

// ---------------------------------------------------------------------------------------------

interface Cell {
  status: number;
  expected: Outcome;
  problem?: string;
}

function judge(res: LightMyRequestResponse, expected: Outcome, row: Row, a: ActorName, f: Fixture) {
  const s = res.statusCode;
  const code = (() => {
    try {
      return (JSON.parse(res.body) as { error?: { code?: string } }).error?.code;
    } catch {
      return undefined;
    }
  })();
  const is2xx = s >= 200 && s < 300;
  const leaked = () => f.markers.find((m) => res.body.includes(m));
  if (expected !== 'ok') {
    const leak = leaked();
    if (leak) return `the answer names "${leak}"`;
  }
  switch (expected) {
    case 'ok':
      if (!is2xx) return `expected 2xx, got ${s} ${code ?? ''}`;
      if (row.okStatus && s !== row.okStatus) return `expected ${row.okStatus}, got ${s}`;
      return row.check?.(res, a, f);
    case 'forbidden':
      return s === 403 && code === 'FORBIDDEN' ? undefined : `expected 403 FORBIDDEN, got ${s} ${code ?? ''}`;
    case 'hidden':
      return s === 404 ? undefined : `expected 404, got ${s} ${code ?? ''}`;
    case 'unauth':
      return s === 401 ? undefined : `expected 401, got ${s} ${code ?? ''}`;
    case 'scope':
      return s === 403 && code === 'INSUFFICIENT_SCOPE'
        ? undefined
        : `expected 403 INSUFFICIENT_SCOPE, got ${s} ${code ?? ''}`;
    case 'noBox':
      return s === 409 && code === 'BOX_NOT_CONFIGURED'
        ? undefined
        : `expected 409 BOX_NOT_CONFIGURED, got ${s} ${code ?? ''}`;
    case 'isolated':
      return s === 404 || s === 400 || is2xx
        ? undefined
        : `expected an answer about its own organisation, got ${s} ${code ?? ''}`;
  }
}

const REQUEST_TIMEOUT_MS = 20_000;

async function send(f: Fixture, r: Req, credential: string | undefined): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...r.headers };
  if (credential) headers.authorization = `Bearer ${credential}`;
  if (r.body !== undefined) headers['content-type'] = 'application/json';
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      f.app.app.inject({
        method: r.method,
        url: r.url,
        headers,
        ...(r.body !== undefined ? { payload: JSON.stringify(r.body) } : {}),
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${r.method} ${r.url} took over ${REQUEST_TIMEOUT_MS} ms`)),
          REQUEST_TIMEOUT_MS,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function describeRule(rule: Rule): string {
  const by = new Map<Outcome, ActorName[]>();
  for (const a of ACTORS) by.set(rule(a), [...(by.get(rule(a)) ?? []), a]);
  const words: Record<Outcome, string> = {
    ok: 'is allowed to',
    forbidden: 'answers 403 to',
    hidden: 'answers 404 to',
    unauth: 'answers 401 to',
    scope: 'answers INSUFFICIENT_SCOPE to',
    noBox: 'answers 409 BOX_NOT_CONFIGURED to',
    isolated: 'answers only about their own organisation to',
  };
  return [...by.entries()]
    .map(([o, actors]) => `${words[o]} ${actors.map((a) => ACTOR_LABELS[a]).join(', ')}`)
    .join('; ');
}

describe('the authorisation matrix of the audit, file, event and verification services', () => {
  let f: Fixture;
  const results = new Map<Row, Map<ActorName, Cell>>();
  let rows: Row[] = ROWS;

  before(async () => {
    f = await startSecurityFixture();
    const internal = f.app.routes.filter(
      (r) => SERVICES.includes(r.service) && r.auth === 'service' && r.url.startsWith('/internal/'),
    );
    rows = [...ROWS, ...internal.map((r) => serviceRow(r.method, r.url))];
  });
  after(async () => {
    await f?.stop();
  });

  test('every route of the four services has a row, every row a route, and every signed-in route refuses anonymous callers', () => {
    const routes = f.app.routes.filter((r) => SERVICES.includes(r.service));
    assert.ok(routes.length > 60, `the routes are listed (${routes.length})`);
    const keys = new Set(routes.map((r) => `${r.method} ${r.url}`));
    const covered = new Set(rows.map((r) => r.route));
    const missing = [...keys].filter((k) => !covered.has(k));
    assert.deepEqual(missing, [], `routes without a row: ${missing.join(', ')}`);
    const stale = [...covered].filter((k) => !keys.has(k));
    assert.deepEqual(stale, [], `rows without a route: ${stale.join(', ')}`);
    for (const r of routes.filter((x) => x.auth === 'user')) {
      const mine = rows.filter((row) => row.route === `${r.method} ${r.url}`);
      assert.ok(
        mine.every((row) => row.rule('ANONYMOUS') === 'unauth'),
        `${r.method} ${r.url} must refuse anonymous callers`,
      );
    }
  });

  for (const row of ROWS) {
    test(`${row.route} on ${row.target} ${describeRule(row.rule)}`, async () => {
      const cells = new Map<ActorName, Cell>();
      results.set(row, cells);
      for (const actor of ACTORS) {
        const expected = row.rule(actor);
        const res = await send(f, await row.request(f, actor), f.credentials[actor]);
        const problem = judge(res, expected, row, actor, f);
        cells.set(actor, { status: res.statusCode, expected, ...(problem ? { problem } : {}) });
      }
      await f.env.verification.sets.idle();
      const problems = [...cells.entries()].filter(([, c]) => c.problem);
      assert.deepEqual(
        problems.map(([a, c]) => `${a}: ${c.problem}`),
        [],
        `${row.route} (${row.target})`,
      );
    });
  }

  test('every service-to-service route refuses every user credential with 401', async () => {
    const serviceRows = rows.filter((r) => !ROWS.includes(r));
    assert.ok(serviceRows.length > 15, 'the internal routes are listed');
    const problems: string[] = [];
    for (const row of serviceRows) {
      const cells = new Map<ActorName, Cell>();
      results.set(row, cells);
      for (const actor of ACTORS) {
        const res = await send(f, await row.request(f, actor), f.credentials[actor]);
        const problem = judge(res, 'unauth', row, actor, f);
        cells.set(actor, { status: res.statusCode, expected: 'unauth', ...(problem ? { problem } : {}) });
        if (problem) problems.push(`${row.route} ${actor}: ${problem}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('a set one may not view answers exactly like a set that does not exist', async () => {
    const ghost = randomUUID();
    for (const actor of ['GU_OUTSIDER', 'EA_OUTSIDER', 'OTHER_ORG_AA'] as const) {
      for (const suffix of ['', '/items', '/collaborators', '/access-logs', '/verifications']) {
        const real = await send(f, get(`${A}/audit-sets/${f.setId}${suffix}`), f.credentials[actor]);
        const none = await send(f, get(`${A}/audit-sets/${ghost}${suffix}`), f.credentials[actor]);
        assert.equal(real.statusCode, 404, `${actor} ${suffix}`);
        assert.equal(real.statusCode, none.statusCode, `${actor} ${suffix}`);
        assert.deepEqual(real.json().error, none.json().error, `${actor} ${suffix}: the same error`);
      }
    }
  });

  test('an external auditor cannot step outside the set through parameters (setId, folderId, versionId, filters)', async () => {
    const state = f.env.box.emulator.state;
    const board = state.folderByPath('Board')!.id;
    const excludedVersion = state.file(f.ids.excludedFile)!.versions[0]!.id;
    const ea = f.credentials.EA_REVIEWER;
    const refused: [string, Req][] = [
      [
        'a folder outside the set, naming the set',
        get(`${A}/folders/${f.ids.outsideFolder}/items?setId=${f.setId}`),
      ],
      ['the folder above the set item, naming the set', get(`${A}/folders/${board}?setId=${f.setId}`)],
      [
        'browsing the set item from a folder outside it',
        get(`${A}/audit-sets/${f.setId}/items/${f.ids.setFolder}/children?folderId=${f.ids.outsideFolder}`),
      ],
      [
        'browsing the set item from the folder above it',
        get(`${A}/audit-sets/${f.setId}/items/${f.ids.setFolder}/children?folderId=${board}`),
      ],
      [
        'the allowed file with a version of the excluded one',
        get(`${A}/files/${f.ids.allowedFile}/content?versionId=${excludedVersion}`),
      ],
      [
        'copies of a version of the excluded file',
        get(`${A}/files/${f.ids.allowedFile}/copies?versionId=${excludedVersion}`),
      ],
      ['a copy of the allowed file outside the set, by id', get(`${A}/files/${f.ids.copyOutside}`)],
      ['the excluded file, naming the set', get(`${A}/files/${f.ids.excludedFile}?setId=${f.setId}`)],
      [
        'verifying the excluded file through the set',
        { method: 'POST', url: `${A}/files/${f.ids.excludedFile}/verifications`, body: { setId: f.setId } },
      ],
    ];
    for (const [what, req] of refused) {
      const res = await send(f, req, ea);
      assert.equal(res.statusCode, 404, `${what}: ${res.body}`);
    }
    // Filters narrow what the auditor may see; they never widen it.
    for (const url of [
      `${A}/events?limit=500&folder=${board}`,
      `${A}/events?limit=500&item=${f.ids.excludedFile},${f.ids.outsideFile},${f.ids.allowedFile}`,
      `${A}/events/export?format=json&folder=${board}`,
      `${A}/events/bundle?item=${f.ids.excludedFile},${f.ids.allowedFile}`,
    ]) {
      const res = await send(f, get(url), ea);
      assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
      assert.equal(eventsScoped(res, 'EA_REVIEWER', f), undefined, url);
    }
    // What the auditor is shown of a file's place starts at the set's folder, never above it.
    const details = await send(f, get(`${A}/files/${f.ids.allowedFile}`), ea);
    assert.deepEqual(
      details.json().path.map((p: { id: string }) => p.id),
      [f.ids.setFolder],
    );
    assert.ok(!details.body.includes('"Board"') && !details.body.includes('"Minutes"'), details.body);
  });

  test('callers who may not edit the sets named learn nothing about a Box item from "add it to my sets"', async () => {
    // Before the sets were authorised, the item was looked up in Box (for an auditor as the service
    // account): a real id and a made-up one answered differently, an oracle on the enterprise's items.
    for (const actor of ['EA_REVIEWER', 'EA_OUTSIDER', 'GU_OUTSIDER', 'OTHER_ORG_AA'] as const) {
      const ask = (itemId: string) =>
        send(
          f,
          {
            method: 'PUT',
            url: `${A}/items/${itemId}/audit-sets`,
            body: { type: 'file', add: [f.setId], remove: [] },
          },
          f.credentials[actor],
        );
      const real = await ask(f.ids.outsideFile);
      const madeUp = await ask('99999999999');
      assert.ok(real.statusCode === 403 || real.statusCode === 404, `${actor}: ${real.body}`);
      assert.equal(real.statusCode, madeUp.statusCode, actor);
      assert.equal(
        real.json().error.code,
        madeUp.json().error.code,
        `${actor}: ${real.body} / ${madeUp.body}`,
      );
    }
  });

  test("another organisation's admin cannot pull our users or groups into their sets and groups", async () => {
    const other = f.credentials.OTHER_ORG_AA;
    const before = await tableCounts(f.app);
    const attempts: [string, Req, string][] = [
      [
        'our member as a collaborator',
        {
          method: 'POST',
          url: `${A}/audit-sets`,
          body: {
            name: f.unique('Poach'),
            collaborators: [{ userId: f.people.GU_MEMBER.userId, role: 'MEMBER' }],
          },
        },
        'COLLABORATOR_NOT_ELIGIBLE',
      ],
      [
        'our reviewer as a collaborator',
        {
          method: 'POST',
          url: `${A}/audit-sets`,
          body: {
            name: f.unique('Poach'),
            collaborators: [{ userId: f.people.EA_REVIEWER.userId, role: 'REVIEWER' }],
          },
        },
        'COLLABORATOR_NOT_ELIGIBLE',
      ],
      [
        'our audit group',
        { method: 'POST', url: `${A}/audit-sets`, body: { name: f.unique('Poach'), groups: [f.groupId] } },
        'AUDIT_GROUP_NOT_FOUND',
      ],
      [
        'our auditor as a group member',
        {
          method: 'POST',
          url: `${A}/audit-groups`,
          body: { name: f.unique('Poach'), memberIds: [f.people.EA_GROUP.userId] },
        },
        'GROUP_MEMBER_NOT_EXTERNAL_AUDITOR',
      ],
    ];
    for (const [what, req, code] of attempts) {
      const res = await send(f, req, other);
      assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
      assert.equal(res.json().error.code, code, what);
    }
    assert.deepEqual(await tableCounts(f.app), before, 'nothing was written');
  });

  test('prints the matrix', () => {
    const label = (row: Row) => `${row.route} (${row.target})`;
    const width = Math.min(100, Math.max(...[...results.keys()].map((r) => label(r).length)));
    const header = `${'route (target)'.padEnd(width)} | ${ACTORS.map((a) => ACTOR_LABELS[a].padEnd(5)).join(' ')}`;
    const lines = [header, '-'.repeat(header.length)];
    let mismatches = 0;
    for (const [row, cells] of results) {
      const text = ACTORS.map((a) => {
        const c = cells.get(a);
        if (!c) return '  -  ';
        if (c.problem) mismatches++;
        return `${c.status}${c.problem ? '!' : ' '}`.padEnd(5);
      }).join(' ');
      lines.push(`${label(row).slice(0, width).padEnd(width)} | ${text}`);
    }
    lines.push(
      `${results.size} rows × ${ACTORS.length} callers; "!" marks a cell that differs from product.md's rules (${mismatches}).`,
    );
    console.log(`\n${lines.join('\n')}\n`);
    assert.ok(results.size >= rows.length, 'every row ran');
  });
});
