/** The PostgreSQL schemas this product owns: what the ops commands look at, back up and maintain. */
export const OUR_SCHEMAS = ['identity', 'audit', 'file', 'event', 'ledger', 'witness', 'ops'] as const;
export type OurSchema = (typeof OUR_SCHEMAS)[number];
