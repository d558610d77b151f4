import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { BoxCcgAuth, BoxClient, BoxOAuth, CcgConfig, OAuthConfig } from 'box-node-sdk';
import { BaseUrls, BoxRetryStrategy, NetworkSession } from 'box-node-sdk/networking';
import { REDIRECT, startTestBox, type TestBox } from './helpers.ts';

const sha1 = (b: Buffer): string => createHash('sha1').update(b).digest('hex');

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

describe('the official box-node-sdk against the local Box', () => {
  let box: TestBox;
  let session: NetworkSession;
  let client: BoxClient;
  before(async () => {
    box = await startTestBox();
    session = new NetworkSession({
      baseUrls: new BaseUrls(box.baseUrls),
      agent: new http.Agent(),
      retryStrategy: new BoxRetryStrategy({ retryBaseInterval: 0, maxAttempts: 3 }),
    });
    const auth = new BoxCcgAuth({
      config: new CcgConfig({
        clientId: box.ccg.clientId,
        clientSecret: box.ccg.clientSecret,
        enterpriseId: box.emulator.enterprise.id,
      }),
    });
    client = new BoxClient({ auth, networkSession: session });
  });
  after(() => box.close());

  test('gets a CCG token and reads users/me as the service account', async () => {
    const me = await client.users.getUserMe();
    assert.equal(me.id, box.emulator.serviceAccount().id);
  });

  test('pages admin_logs_streaming from 0 with big-number string positions until caught up', async () => {
    let position = '0';
    const ids = new Set<string>();
    for (let page = 0; page < 50; page++) {
      const events = await client.events.getEvents({
        streamType: 'admin_logs_streaming',
        streamPosition: position,
        limit: 200,
      });
      const next = String(events.nextStreamPosition);
      assert.equal(typeof events.nextStreamPosition, 'string');
      assert.ok(BigInt(next) > 2n ** 53n, 'positions are above 2^53');
      const raw = (events.rawData as { entries: { event_id: string; ip_address?: string }[] }).entries;
      for (const e of raw) {
        ids.add(e.event_id);
        assert.ok(e.ip_address, 'raw events keep ip_address');
      }
      if (raw.length === 0) break;
      position = next;
    }
    const retained = box.emulator.state
      .events()
      .filter((e) => Date.parse(String(e.recorded_at)) >= Date.parse('2025-05-19T09:00:00Z'));
    assert.equal(ids.size, retained.length);
    assert.ok(ids.size > 200, 'more than one page of history');
  });

  test('reads a file As-User (the owner) and downloads it through the 302', async () => {
    const file = box.emulator.state.fileByPath('Board/Minutes/2025/Minutes 2025-01.pdf')!;
    const asOwner = client.withAsUserHeader(file.ownerId);
    const info = await asOwner.files.getFileById(file.id, {
      queryParams: { fields: ['sha1', 'file_version', 'size', 'path_collection'] },
    });
    assert.equal(info.sha1, box.emulator.state.currentVersion(file.id).sha1);
    assert.equal(info.pathCollection?.entries.map((e) => e.name).join('/'), 'All Files/Board/Minutes/2025');
    const stream = await asOwner.downloads.downloadFile(file.id);
    const bytes = await readAll(stream as unknown as NodeJS.ReadableStream);
    assert.equal(sha1(bytes), info.sha1);
  });

  test('the service account without As-User does not see users’ files', async () => {
    const file = box.emulator.state.fileByPath('Board/Minutes/2025/Minutes 2025-01.pdf')!;
    await assert.rejects(
      client.files.getFileById(file.id),
      (err: { responseInfo?: { statusCode: number; code: string } }) => {
        assert.equal(err.responseInfo?.statusCode, 404);
        assert.match(String(err.responseInfo?.code), /not_found/);
        return true;
      },
    );
  });

  test('uploads a new version with attributes first and the content-md5 SHA-1', async () => {
    const file = box.emulator.state.fileByPath('Compliance/SOX/Controls Matrix.xlsx')!;
    const bytes = Buffer.from('new controls matrix content\n');
    const result = await client.withAsUserHeader(file.ownerId).uploads.uploadFileVersion(file.id, {
      attributes: { name: file.name },
      file: Readable.from(bytes),
    });
    assert.equal(result.entries?.[0]?.sha1, sha1(bytes));
    assert.equal(box.emulator.state.currentVersion(file.id).sha1, sha1(bytes));
    const edit = box.emulator.state.events({ type: 'EDIT', itemId: file.id }).at(-1)!;
    assert.deepEqual((edit.action_by as { id: string }).id, box.emulator.serviceAccount().id);
    assert.equal((edit.additional_details as { sha1: string }).sha1, sha1(bytes));
  });

  test('completes the OAuth code flow with its own NetworkSession and refreshes after expiry', async () => {
    const { code } = box.emulator.controls.authorize({
      clientId: box.oauthApp.clientId,
      login: 'user@demo.example',
      redirectUri: REDIRECT,
    });
    const oauth = new BoxOAuth({
      config: new OAuthConfig({ clientId: box.oauthApp.clientId, clientSecret: box.oauthApp.clientSecret }),
    });
    const token = await oauth.getTokensAuthorizationCodeGrant(code, session);
    assert.ok(token.refreshToken);
    const userClient = new BoxClient({ auth: oauth, networkSession: session });
    assert.equal((await userClient.users.getUserMe()).login, 'user@demo.example');
    box.clock.advanceSeconds(3700);
    assert.equal(
      (await userClient.users.getUserMe()).login,
      'user@demo.example',
      'the SDK refreshed after the 401',
    );
    const stored = await oauth.tokenStorage.get();
    assert.notEqual(stored?.refreshToken, token.refreshToken);
  });

  test('PKCE works with the SDK when an interceptor adds code_verifier to the token request', async () => {
    const verifier = 'pkce-verifier-0123456789-abcdefghijklmnopqrstuvwxyz';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const { code } = box.emulator.controls.authorize({
      clientId: box.oauthApp.clientId,
      login: 'admin@demo.example',
      redirectUri: REDIRECT,
      codeChallenge: challenge,
    });
    const withVerifier = session.withInterceptors([
      {
        beforeRequest: (options) =>
          options.url.endsWith('/oauth2/token') && options.data && typeof options.data === 'object'
            ? ({
                ...options,
                data: { ...(options.data as object), code_verifier: verifier },
              } as typeof options)
            : options,
        afterRequest: (response) => response,
      },
    ]);
    const oauth = new BoxOAuth({
      config: new OAuthConfig({ clientId: box.oauthApp.clientId, clientSecret: box.oauthApp.clientSecret }),
    });
    const token = await oauth.getTokensAuthorizationCodeGrant(code, withVerifier);
    assert.ok(token.accessToken);
  });
});
