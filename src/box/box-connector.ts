/**
 * The one way into Box (architecture.md §6): every call goes through the official SDK with our
 * network session, a token bucket per app and user, and our retries. Server-side reads use the
 * enterprise's Client Credentials Grant service account, with `As-User` set to the user whose view of
 * Box we need (the file's owner for enrichment and verification, the signed-in user when browsing),
 * so Box itself enforces what that user may see.
 */
import { BoxClient } from 'box-node-sdk';
import { BoxCcgAuth, CcgConfig } from 'box-node-sdk/box';
import type { NetworkSession } from 'box-node-sdk/networking';
import type { Clock } from '../platform/clock.ts';
import { BoxError, parseRetryAfter, toBoxError } from './box-errors.ts';
import {
  toBoxCollaboration,
  toBoxEnterpriseUser,
  toBoxFile,
  toBoxFileVersion,
  toBoxFolder,
  toBoxItemEntry,
} from './box-mapping.ts';
import type {
  BoxCollaboration,
  BoxEnterpriseUser,
  BoxFile,
  BoxFileVersion,
  BoxFolder,
  BoxItemEntry,
  DownloadResponse,
  EventsPage,
} from './box-model.ts';
import { type EnterpriseEventsQuery, fetchEnterpriseEvents } from './enterprise-events.ts';
import { type BoxBaseUrls, type BoxExchange, createNetworkSession } from './network-session.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { withRetry } from './retry.ts';

export interface BoxSettings {
  baseUrls: BoxBaseUrls;
  oauth?: { clientId: string; clientSecret: string } | undefined;
  ccg?: { clientId: string; clientSecret: string } | undefined;
  callsPerMinute: number;
  timeoutMs: number;
  maxRetryWaitMs: number;
  /** Keys verifying Box's webhook deliveries (optional accelerator). */
  webhookKeys?: { primary?: string | undefined; secondary?: string | undefined } | undefined;
}

export interface BoxDeps {
  clock: Clock;
  /** Waiting for back-off and the rate budget; tests pass one that advances a manual clock. */
  sleep?: (ms: number) => Promise<void>;
  onAttempt?: (app: string, status: number) => void;
  onExchange?: (exchange: BoxExchange) => void;
}

export const FILE_FIELDS = [
  'id',
  'type',
  'name',
  'description',
  'sha1',
  'size',
  'file_version',
  'version_number',
  'etag',
  'parent',
  'path_collection',
  'owned_by',
  'created_by',
  'modified_by',
  'created_at',
  'modified_at',
  'content_modified_at',
  'trashed_at',
  'item_status',
];
const VERSION_FIELDS = [
  'id',
  'type',
  'sha1',
  'size',
  'version_number',
  'created_at',
  'modified_at',
  'modified_by',
  'trashed_at',
  'restored_at',
  'purged_at',
  'uploader_display_name',
];
const FOLDER_FIELDS = [
  'id',
  'type',
  'name',
  'description',
  'parent',
  'path_collection',
  'owned_by',
  'created_by',
  'modified_by',
  'created_at',
  'modified_at',
  'size',
  'item_status',
];
const ITEM_FIELDS = ['id', 'type', 'name', 'sha1', 'size', 'modified_at', 'file_version', 'owned_by'];
const USER_FIELDS = ['id', 'type', 'name', 'login', 'role', 'status', 'enterprise', 'language'];

export interface CallOptions {
  /** Box user id whose view of Box to use (As-User); the service account's own view when absent. */
  asUser?: string | undefined;
}

export interface EnterpriseBox {
  readonly enterpriseId: string;
  serviceAccount(): Promise<BoxEnterpriseUser>;
  events(query: EnterpriseEventsQuery): Promise<EventsPage>;
  file(fileId: string, o?: CallOptions): Promise<BoxFile>;
  trashedFile(fileId: string, o?: CallOptions): Promise<BoxFile>;
  /** Past versions (Box's list excludes the current one), every page. */
  fileVersions(fileId: string, o?: CallOptions): Promise<BoxFileVersion[]>;
  folder(folderId: string, o?: CallOptions): Promise<BoxFolder>;
  folderItems(
    folderId: string,
    page: { marker?: string; limit: number },
    o?: CallOptions,
  ): Promise<{ entries: BoxItemEntry[]; nextMarker: string | null }>;
  collaborations(itemType: 'file' | 'folder', itemId: string, o?: CallOptions): Promise<BoxCollaboration[]>;
  download(
    fileId: string,
    q: { version?: string; range?: string },
    o?: CallOptions,
  ): Promise<DownloadResponse>;
  user(userId: string): Promise<BoxEnterpriseUser>;
  users(page: {
    marker?: string;
    limit: number;
  }): Promise<{ entries: BoxEnterpriseUser[]; nextMarker: string | null }>;
}

export interface BoxConnector {
  readonly settings: BoxSettings;
  /** The CCG client of an enterprise (cached). */
  enterprise(enterpriseId: string): EnterpriseBox;
  /** The network session of the OAuth app (sign-in). */
  oauthSession(): NetworkSession;
  /** Runs a call under the rate budget with retries (for callers outside this layer, e.g. OAuth). */
  call<T>(app: 'oauth' | 'ccg', user: string, idempotent: boolean, fn: () => Promise<T>): Promise<T>;
}

type Json = Record<string, unknown>;

export function createBoxConnector(settings: BoxSettings, deps: BoxDeps): BoxConnector {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const limiter = createRateLimiter(settings.callsPerMinute, deps.clock, sleep);
  const session = (app: 'oauth' | 'ccg') =>
    createNetworkSession({
      app,
      baseUrls: settings.baseUrls,
      timeoutMs: settings.timeoutMs,
      onAttempt: deps.onAttempt,
      onExchange: deps.onExchange,
    });
  const ccgSession = session('ccg');
  let oauth: NetworkSession | undefined;
  const enterprises = new Map<string, EnterpriseBox>();

  async function call<T>(
    app: 'oauth' | 'ccg',
    user: string,
    idempotent: boolean,
    fn: () => Promise<T>,
  ): Promise<T> {
    return withRetry(
      async () => {
        await limiter.acquire(`${app}:${user}`);
        return fn();
      },
      { idempotent, sleep, maxWaitMs: settings.maxRetryWaitMs },
    );
  }

  function createEnterprise(enterpriseId: string): EnterpriseBox {
    if (!settings.ccg)
      throw new Error('Box is not configured: set BOX_CCG_CLIENT_ID and BOX_CCG_CLIENT_SECRET');
    const auth = new BoxCcgAuth({ config: new CcgConfig({ ...settings.ccg, enterpriseId }) });
    const client = new BoxClient({ auth, networkSession: ccgSession });
    const headers = (o?: CallOptions) => ({ extraHeaders: o?.asUser ? { 'As-User': o.asUser } : {} });
    const read = <T>(o: CallOptions | undefined, fn: () => Promise<T>) =>
      call('ccg', `${enterpriseId}:${o?.asUser ?? 'service'}`, true, fn);
    const raw = (x: { rawData?: unknown }) => (x.rawData ?? {}) as Json;

    return {
      enterpriseId,
      serviceAccount: () =>
        read(undefined, async () =>
          toBoxEnterpriseUser(raw(await client.users.getUserMe({ fields: USER_FIELDS }))),
        ),
      events: (query) => read(undefined, () => fetchEnterpriseEvents(client, query)),
      file: (fileId, o) =>
        read(o, async () =>
          toBoxFile(
            raw(
              await client.files.getFileById(fileId, {
                queryParams: { fields: FILE_FIELDS },
                headers: headers(o),
              }),
            ),
          ),
        ),
      trashedFile: (fileId, o) =>
        read(o, async () =>
          toBoxFile(
            raw(
              await client.trashedFiles.getTrashedFileById(fileId, {
                // The SDK's TrashFile needs sequence_id (Box's schema requires it).
                queryParams: { fields: [...FILE_FIELDS, 'sequence_id'] },
                headers: headers(o),
              }),
            ),
          ),
        ),
      async fileVersions(fileId, o) {
        const out: BoxFileVersion[] = [];
        for (let offset = 0; ; offset += 1000) {
          const page = raw(
            await read(o, () =>
              client.fileVersions.getFileVersions(fileId, {
                queryParams: { fields: VERSION_FIELDS, limit: 1000, offset },
                headers: headers(o),
              }),
            ),
          );
          const entries = Array.isArray(page.entries) ? (page.entries as Json[]) : [];
          out.push(...entries.map(toBoxFileVersion));
          const total = typeof page.total_count === 'number' ? page.total_count : 0;
          if (entries.length === 0 || offset + 1000 >= total || offset + 1000 >= 10_000) return out;
        }
      },
      folder: (folderId, o) =>
        read(o, async () =>
          toBoxFolder(
            raw(
              await client.folders.getFolderById(folderId, {
                queryParams: { fields: FOLDER_FIELDS },
                headers: headers(o),
              }),
            ),
          ),
        ),
      async folderItems(folderId, page, o) {
        const res = raw(
          await read(o, () =>
            client.folders.getFolderItems(folderId, {
              queryParams: {
                fields: ITEM_FIELDS,
                usemarker: true,
                limit: Math.min(page.limit, 1000),
                ...(page.marker ? { marker: page.marker } : {}),
              },
              headers: headers(o),
            }),
          ),
        );
        const entries = Array.isArray(res.entries) ? (res.entries as Json[]).map(toBoxItemEntry) : [];
        const next = typeof res.next_marker === 'string' && res.next_marker !== '' ? res.next_marker : null;
        return { entries, nextMarker: next };
      },
      async collaborations(itemType, itemId, o) {
        const out: BoxCollaboration[] = [];
        let marker: string | undefined;
        do {
          const query = { limit: 1000, ...(marker ? { marker } : {}) };
          const res = raw(
            await read(o, () =>
              itemType === 'file'
                ? client.listCollaborations.getFileCollaborations(itemId, {
                    queryParams: query,
                    headers: headers(o),
                  })
                : client.listCollaborations.getFolderCollaborations(itemId, {
                    queryParams: query,
                    headers: headers(o),
                  }),
            ),
          );
          out.push(...(Array.isArray(res.entries) ? (res.entries as Json[]).map(toBoxCollaboration) : []));
          marker =
            typeof res.next_marker === 'string' && res.next_marker !== '' ? res.next_marker : undefined;
        } while (marker);
        return out;
      },
      download: (fileId, q, o) =>
        read(o, async () => {
          const res = await client.makeRequest({
            method: 'GET',
            url: `${settings.baseUrls.baseUrl}/2.0/files/${encodeURIComponent(fileId)}/content`,
            params: q.version ? { version: q.version } : {},
            headers: {
              ...(q.range ? { range: q.range } : {}),
              ...(o?.asUser ? { 'As-User': o.asUser } : {}),
            },
            responseFormat: 'binary',
          });
          // 202: Box is not ready to serve the file yet; retried like a 503, after Retry-After.
          if (res.status === 202) {
            (res.content as unknown as NodeJS.ReadableStream & { resume?: () => void }).resume?.();
            throw new BoxError(
              'unavailable',
              202,
              undefined,
              res.headers['box-request-id'],
              parseRetryAfter(res.headers['retry-after']),
              'Box answered 202: the download is not ready yet',
            );
          }
          return {
            status: res.status,
            headers: res.headers,
            body: res.content as unknown as NodeJS.ReadableStream,
          };
        }),
      user: (userId) =>
        read(undefined, async () =>
          toBoxEnterpriseUser(
            raw(await client.users.getUserById(userId, { queryParams: { fields: USER_FIELDS } })),
          ),
        ),
      async users(page) {
        const res = raw(
          await read(undefined, () =>
            client.users.getUsers({
              fields: USER_FIELDS,
              // The enterprise's own users; external collaborators are not members.
              userType: 'managed',
              usemarker: true,
              limit: Math.min(page.limit, 1000),
              ...(page.marker ? { marker: page.marker } : {}),
            }),
          ),
        );
        const entries = Array.isArray(res.entries) ? (res.entries as Json[]).map(toBoxEnterpriseUser) : [];
        return {
          entries,
          nextMarker: typeof res.next_marker === 'string' && res.next_marker !== '' ? res.next_marker : null,
        };
      },
    };
  }

  return {
    settings,
    enterprise(enterpriseId) {
      let e = enterprises.get(enterpriseId);
      if (!e) {
        e = createEnterprise(enterpriseId);
        enterprises.set(enterpriseId, e);
      }
      return e;
    },
    oauthSession: () => (oauth ??= session('oauth')),
    call,
  };
}

export { toBoxError };
