/**
 * Which Box enterprise an organisation is (identity knows), and its connector. The list of
 * organisations is cached for a minute: it changes when an organisation first connects Box, and
 * every Box read of this service needs it.
 */
import type { BoxConnector, EnterpriseBox } from '../../box/box-connector.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import type { IdentityClient } from '../identity/identity-client.ts';

export interface OrgBoxes {
  /** The organisation's Box, or null when it has none. */
  find(orgId: string): Promise<EnterpriseBox | null>;
  /** As `find`, but an organisation without Box is an error the API reports (409 BOX_NOT_CONFIGURED). */
  require(orgId: string): Promise<EnterpriseBox>;
}

const TTL_MS = 60_000;

export function createOrgBoxes(d: {
  box: BoxConnector;
  identity: () => IdentityClient;
  clock: Clock;
}): OrgBoxes {
  let cached: { at: number; byOrg: Map<string, string | null> } | undefined;

  async function enterpriseOf(orgId: string): Promise<string | null> {
    const now = d.clock.now().getTime();
    if (!cached || now - cached.at > TTL_MS || !cached.byOrg.has(orgId)) {
      const orgs = await d.identity().organizations();
      cached = { at: now, byOrg: new Map(orgs.map((o) => [o.id, o.boxEnterpriseId])) };
    }
    return cached.byOrg.get(orgId) ?? null;
  }

  const find = async (orgId: string) => {
    const enterpriseId = await enterpriseOf(orgId);
    return enterpriseId ? d.box.enterprise(enterpriseId) : null;
  };
  return {
    find,
    async require(orgId) {
      const box = await find(orgId);
      if (!box) throw new AppError('BOX_NOT_CONFIGURED', { status: 409 });
      return box;
    },
  };
}
