import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ShieldwallError } from '../../errors/error-catalog.js';
import { AUTHORITY_ORG_ID } from '../../governance/index.js';
import type { RuleMeta } from '../../sigma/index.js';
import { requirePrincipal } from '../plugins/auth.js';
import { errorResponses } from '../schemas.js';

/** What the rules routes need of the node: the loaded rules and a way to reload them. */
export interface RuleCatalog {
  rules(): readonly RuleMeta[];
  /** Re-reads and recompiles the rules without a restart; returns counts and failures. */
  reload(): Promise<{ loaded: number; failed: number; errors: { path: string; message: string }[] }>;
}

const RuleRow = Type.Object({
  id: Type.String(), title: Type.String(), level: Type.String(), status: Type.String(), author: Type.String(),
  tags: Type.Array(Type.String()), logsource: Type.Record(Type.String(), Type.String()),
});

/** `GET /api/v1/rules` lists the detection rules in force; `POST /api/v1/rules/reload` reloads them. */
export function ruleRoutes(catalog: RuleCatalog) {
  return async (app: FastifyInstance) => {
    app.get(
      '/api/v1/rules',
      {
        schema: {
          tags: ['detection'],
          querystring: Type.Object({
            level: Type.Optional(Type.String()),
            q: Type.Optional(Type.String({ description: 'substring of the title, id or a tag' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
          }),
          response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(RuleRow) }), ...errorResponses },
        },
      },
      async (request) => {
        requirePrincipal(request, 'viewer');
        const { level, q, limit } = request.query as { level?: string; q?: string; limit?: number };
        const needle = q?.toLowerCase();
        const rows = catalog.rules().filter(
          (r) =>
            (!level || r.level === level) &&
            (!needle || r.title.toLowerCase().includes(needle) || r.id.includes(needle) || r.tags.some((t) => t.includes(needle))),
        );
        return {
          total: rows.length,
          items: rows.slice(0, limit ?? 1000).map((r) => ({
            id: r.id, title: r.title, level: r.level, status: r.status, author: r.author, tags: r.tags,
            logsource: Object.fromEntries(Object.entries(r.logsource).filter(([, v]) => typeof v === 'string')) as Record<string, string>,
          })),
        };
      },
    );
    app.post(
      '/api/v1/rules/reload',
      { schema: { tags: ['detection'], response: { 200: Type.Object({ loaded: Type.Integer(), failed: Type.Integer(), errors: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })) }), ...errorResponses } } },
      async (request) => {
        const p = requirePrincipal(request, 'admin');
        if (p.orgId !== AUTHORITY_ORG_ID) throw new ShieldwallError('FORBIDDEN', 'only admins of the authority organisation reload the shared rules');
        const result = await catalog.reload();
        return { ...result, errors: result.errors.slice(0, 100) };
      },
    );
  };
}
