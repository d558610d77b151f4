/** Placeholder until the migration runner lands: the template database stays empty. */
export async function migrateTemplateDatabase(_url: string): Promise<void> {}
