/** Migrates the test run's template database (called by run-tests.ts with the database URL). */
const url = process.argv[2];
if (!url) throw new Error('usage: migrate-template.ts <database-url>');
const { migrateTemplateDatabase } = await import('../src/platform/db/migrate-template.ts');
await migrateTemplateDatabase(url);
