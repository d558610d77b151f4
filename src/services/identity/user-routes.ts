/** Users, roles, auditor organisations and the current user (`/api/v1/users`, `/me`, `/organizations`). */
import { z } from 'zod';
import { scopesForRoles } from '../../platform/auth/principal.ts';
import { notFound } from '../../platform/errors.ts';
import { userOf } from '../../platform/http/authenticate.ts';
import { ADMIN_ONLY, SIGNED_IN } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import { buildPage, decodeCursor, pageSchema } from '../../platform/pagination.ts';
import type { IdentityDeps } from './identity-deps.ts';
import {
  addFirmBody,
  createUserBody,
  idParams,
  listUsersQuery,
  meResponse,
  organizationSchema,
  rolesBody,
  updateMeBody,
  updateUserBody,
} from './identity-schemas.ts';
import { toUserDto, userSchema } from './user-dto.ts';
import type { UserManagement } from './user-management.ts';

const cursorKey = z.object({ createdAt: z.coerce.date(), id: z.string().uuid() });
const tags = ['users'];

export function registerUserRoutes(
  app: App,
  d: { users: UserManagement; deps: IdentityDeps; totpIssuer: string },
): void {
  app.get(
    '/api/v1/me',
    {
      config: { auth: SIGNED_IN },
      schema: { tags, summary: 'The signed-in user', response: { 200: meResponse } },
    },
    async (request) => {
      const principal = userOf(request);
      const user = await d.users.get(principal, principal.userId);
      const org = await d.deps.users.organizationById(d.deps.db, user.org_id);
      if (!org) throw notFound('ORGANIZATION_NOT_FOUND');
      const scopes = principal.via === 'api-token' ? principal.scopes : scopesForRoles(user.roles);
      return { ...toUserDto(user), organization: { id: org.id, name: org.name }, scopes };
    },
  );

  app.patch(
    '/api/v1/me',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'Change your name or language',
        body: updateMeBody,
        response: { 200: userSchema },
      },
    },
    async (request) => {
      const principal = userOf(request);
      return toUserDto(await d.users.update(principal, principal.userId, request.body));
    },
  );

  app.post(
    '/api/v1/me/totp',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'Start enrolling an authenticator app',
        response: { 200: z.object({ secret: z.string(), otpauthUrl: z.string() }) },
      },
    },
    async (request) => d.users.beginTotp(userOf(request), d.totpIssuer),
  );

  app.post(
    '/api/v1/me/totp/confirm',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'Confirm the authenticator with a code',
        body: z.object({ code: z.string().max(10) }),
      },
    },
    async (request, reply) => {
      await d.users.confirmTotp(userOf(request), request.body.code, true);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/api/v1/me/totp',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'Turn the second factor off (needs a current code)',
        body: z.object({ code: z.string().max(10) }),
      },
    },
    async (request, reply) => {
      await d.users.confirmTotp(userOf(request), request.body.code, false);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/users',
    {
      config: { auth: ADMIN_ONLY },
      schema: {
        tags,
        summary: 'Users of your organisation',
        querystring: listUsersQuery,
        response: { 200: pageSchema(userSchema) },
      },
    },
    async (request) => {
      const q = request.query;
      const page = { limit: q.limit, ...decodeCursor(q.cursor, cursorKey) };
      const rows = await d.users.list(
        userOf(request),
        { role: q.role, kind: q.kind, q: q.q, includeDisabled: q.includeDisabled },
        page,
      );
      return buildPage(rows, page, (u) => ({ createdAt: u.created_at, id: u.id }), toUserDto);
    },
  );

  app.post(
    '/api/v1/users',
    {
      config: { auth: ADMIN_ONLY },
      schema: {
        tags,
        summary: 'Create an external auditor (with a password or an emailed invitation)',
        body: createUserBody,
        response: { 201: userSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(toUserDto(await d.users.createExternalAuditor(userOf(request), request.body))),
  );

  app.get(
    '/api/v1/users/:id',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'One user (admins: any in the organisation; others: themselves)',
        params: idParams,
        response: { 200: userSchema },
      },
    },
    async (request) => toUserDto(await d.users.get(userOf(request), request.params.id)),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { auth: ADMIN_ONLY },
      schema: {
        tags,
        summary: 'Edit, disable or enable a user',
        params: idParams,
        body: updateUserBody,
        response: { 200: userSchema },
      },
    },
    async (request) => toUserDto(await d.users.update(userOf(request), request.params.id, request.body)),
  );

  app.delete(
    '/api/v1/users/:id',
    {
      config: { auth: ADMIN_ONLY },
      schema: { tags, summary: 'Delete a user (memberships everywhere go with them)', params: idParams },
    },
    async (request, reply) => {
      await d.users.remove(userOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.put(
    '/api/v1/users/:id/roles',
    {
      config: { auth: ADMIN_ONLY },
      schema: {
        tags,
        summary: "Set a Box user's roles (AUDIT_ADMIN, GENERAL_USER)",
        params: idParams,
        body: rolesBody,
        response: { 200: userSchema },
      },
    },
    async (request) =>
      toUserDto(await d.users.setRoles(userOf(request), request.params.id, request.body.roles)),
  );

  app.get(
    '/api/v1/organizations',
    {
      config: { auth: ADMIN_ONLY },
      schema: {
        tags,
        summary: 'Your organisation and the auditor firms picklist',
        response: { 200: z.object({ items: z.array(organizationSchema) }) },
      },
    },
    async (request) => {
      const principal = userOf(request);
      const org = await d.deps.users.organizationById(d.deps.db, principal.orgId);
      const firms = await d.users.listFirms(principal);
      return {
        items: [
          ...(org ? [{ id: org.id, name: org.name, kind: 'organization' as const }] : []),
          ...firms.map((f) => ({ ...f, kind: 'auditor_firm' as const })),
        ],
      };
    },
  );

  app.post(
    '/api/v1/organizations',
    {
      config: { auth: ADMIN_ONLY },
      schema: {
        tags,
        summary: 'Add an auditor firm to the picklist',
        body: addFirmBody,
        response: { 201: organizationSchema },
      },
    },
    async (request, reply) => {
      const firm = await d.users.addFirm(userOf(request), request.body.name);
      return reply.status(201).send({ ...firm, kind: 'auditor_firm' as const });
    },
  );
}
