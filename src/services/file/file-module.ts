/** Composition of the file service. */
import { assembleModule } from '../../platform/module-kit.ts';
import type { ServiceContext, ServiceModule } from '../../platform/service-module.ts';
import { fileMigrations } from './migrations/index.ts';

export interface FileService {
  module: ServiceModule;
}

export async function createFileService(ctx: ServiceContext): Promise<FileService> {
  const module = assembleModule(ctx, { name: 'file', migrations: fileMigrations });
  return { module };
}
