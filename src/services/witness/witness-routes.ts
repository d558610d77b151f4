/**
 * The witness's own HTTP routes (its process in distributed mode; not routed by the gateway): its
 * verifier key, the latest cosigned checkpoint per origin and the checkpoints it refused. Cosignatures
 * and refusals are public statements about a log, so these routes need no credential.
 */
import { z } from 'zod';
import { PUBLIC } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import {
  COSIGNED_BATCH,
  WITNESS_COSIGNED_PATH,
  WITNESS_PUBLIC_KEY_PATH,
  WITNESS_REFUSALS_PATH,
  type WitnessClient,
} from './witness-client.ts';

const origins = z
  .union([z.string().min(1).max(300), z.array(z.string().min(1).max(300)).max(COSIGNED_BATCH)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

export function registerWitnessRoutes(app: App, client: WitnessClient): void {
  const tags = ['witness'];
  app.get(
    WITNESS_PUBLIC_KEY_PATH,
    {
      config: { auth: PUBLIC },
      schema: {
        tags,
        summary: "The witness's verifier key",
        response: { 200: z.object({ verifierKey: z.string() }) },
      },
    },
    async () => ({ verifierKey: await client.verifierKey() }),
  );
  app.get(
    WITNESS_COSIGNED_PATH,
    {
      config: { auth: PUBLIC },
      schema: {
        tags,
        summary: 'The latest checkpoint cosigned for each origin',
        querystring: z.object({ origin: origins }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                origin: z.string(),
                treeSize: z.number(),
                note: z.string(),
                cosignedAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await client.cosigned(request.query.origin) }),
  );
  app.get(
    WITNESS_REFUSALS_PATH,
    {
      config: { auth: PUBLIC },
      schema: {
        tags,
        summary:
          'The latest checkpoints refused for an origin (forks, rollbacks, inconsistencies), newest first',
        querystring: z.object({ origin: z.string().min(1).max(300) }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                code: z.string(),
                message: z.string(),
                treeSize: z.number().nullable(),
                previousSize: z.number().nullable(),
                firstSeenAt: z.string(),
                lastSeenAt: z.string(),
                occurrences: z.number(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await client.refusals(request.query.origin) }),
  );
}
