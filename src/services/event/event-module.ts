/** Composition of the event service. */

import { assembleModule } from '../../platform/module-kit.ts';
import type { ServiceContext, ServiceModule } from '../../platform/service-module.ts';
import type { EventClient } from './event-client.ts';
import { eventMigrations } from './migrations/index.ts';

export interface EventService {
  module: ServiceModule;
  client: EventClient;
}

export async function createEventService(ctx: ServiceContext): Promise<EventService> {
  const module = assembleModule(ctx, { name: 'event', migrations: eventMigrations });
  const client: EventClient = { leafTexts: async () => [] };
  return { module, client };
}
