import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../app/access.ts';
import { SYSTEM } from '../../trust/policy/vocabulary.ts';

/** Administration over HTTP: reloading the access policies and the keys file (the same as SIGHUP). */
export function registerAdminRoutes(app: FastifyInstance, access: AccessControl): void {
  app.post(
    '/v1/admin/policies/reload',
    {
      schema: {
        summary: 'Re-read the access policies and the keys file; a broken file is refused (422) and nothing changes',
        response: { 200: Type.Object({ policyVersion: Type.String(), label: Type.String() }) },
      },
    },
    async (request) => {
      access.check(request.principal, 'changePolicy', SYSTEM, 'administration');
      return access.reload(request.principal.id);
    },
  );
}
