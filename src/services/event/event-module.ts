/** Composition of the event service. */
import { assembleModule } from '../../platform/module-kit.ts';
import type { ServiceContext, ServiceModule } from '../../platform/service-module.ts';
import { eventMigrations } from './migrations/index.ts';

export interface EventService {
  module: ServiceModule;
}

export async function createEventService(ctx: ServiceContext): Promise<EventService> {
  const module = assembleModule(ctx, { name: 'event', migrations: eventMigrations });
  return { module };
}
