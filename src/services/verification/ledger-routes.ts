/**
 * The ledger's public API (product.md §6, F6.1) under /api/v1/ledger. Checkpoints are plain
 * text (the C2SP note, byte for byte what was signed); proofs and leaves are JSON with base64
 * hashes. Authorisation beyond the coarse route rule is in ledger-api.ts.
 */
import type { FastifyReply } from 'fastify';
import { userOf } from '../../platform/http/authenticate.ts';
import { ADMIN_ONLY, type AuthRequirement, PUBLIC, SIGNED_IN } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import type { LedgerApi } from './ledger-api.ts';
import {
  consistencyProofSchema,
  consistencyQuery,
  inclusionProofSchema,
  inclusionQuery,
  leafParams,
  leafSchema,
  ledgerStatusSchema,
  publicKeysSchema,
  signedNote,
  treeSizeParams,
} from './ledger-schemas.ts';
import type { LedgerStatusReader } from './ledger-status.ts';

const tags = ['ledger'];
/** Leaves and proofs: audit admins (checked in code) and API tokens with `ledger:read`. */
const LEDGER_READ: AuthRequirement = { kind: 'user', scope: 'ledger:read' };

const sendNote = (reply: FastifyReply, note: string) =>
  reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(note);

export function registerLedgerRoutes(app: App, api: LedgerApi, status: LedgerStatusReader): void {
  app.get(
    '/api/v1/ledger/checkpoint',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: "The latest signed checkpoint of your organisation's log",
        response: { 200: signedNote },
      },
    },
    async (request, reply) => sendNote(reply, await api.checkpoint(userOf(request))),
  );

  app.get(
    '/api/v1/ledger/checkpoints/:treeSize',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'The signed checkpoint of a tree size',
        params: treeSizeParams,
        response: { 200: signedNote },
      },
    },
    async (request, reply) =>
      sendNote(reply, await api.checkpointAt(userOf(request), request.params.treeSize)),
  );

  app.get(
    '/api/v1/ledger/witness',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'The latest checkpoint the witness cosigned, with its cosignature line',
        response: { 200: signedNote },
      },
    },
    async (request, reply) => sendNote(reply, await api.witnessed(userOf(request))),
  );

  app.get(
    '/api/v1/ledger/status',
    {
      // Operations data (log size, checkpoint age, the witness's refusals): audit admins only.
      config: { auth: ADMIN_ONLY },
      schema: {
        tags,
        summary: "Your organisation's log size, latest checkpoint and witness status (audit admins)",
        response: { 200: ledgerStatusSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return status.status(userOf(request).orgId);
    },
  );

  app.get(
    '/api/v1/ledger/proofs/inclusion',
    {
      config: { auth: LEDGER_READ },
      schema: {
        tags,
        summary: 'Inclusion proof of a leaf in a tree size (audit admins, ledger:read tokens)',
        querystring: inclusionQuery,
        response: { 200: inclusionProofSchema },
      },
    },
    async (request) => api.inclusionProof(userOf(request), request.query.index, request.query.treeSize),
  );

  app.get(
    '/api/v1/ledger/proofs/consistency',
    {
      config: { auth: LEDGER_READ },
      schema: {
        tags,
        summary: 'Consistency proof between two tree sizes (audit admins, ledger:read tokens)',
        querystring: consistencyQuery,
        response: { 200: consistencyProofSchema },
      },
    },
    async (request) => api.consistencyProof(userOf(request), request.query.from, request.query.to),
  );

  app.get(
    '/api/v1/ledger/leaves/:index',
    {
      config: { auth: LEDGER_READ },
      schema: {
        tags,
        summary: 'One leaf with its exact bytes (audit admins, ledger:read tokens)',
        params: leafParams,
        response: { 200: leafSchema },
      },
    },
    async (request) => api.leaf(userOf(request), request.params.index),
  );

  app.get(
    '/api/v1/ledger/public-keys',
    {
      // Public keys exist to be handed out: offline verifiers and outside witnesses need them.
      config: { auth: PUBLIC },
      schema: {
        tags,
        summary: "The log's and the witness's verifier keys",
        response: { 200: publicKeysSchema },
      },
    },
    async () => api.publicKeys(),
  );
}
