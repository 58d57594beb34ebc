// Routes for the policy text: the clauses a rule set cites, so the editor can show each rule beside its original wording.
import { z } from 'zod';
import { route, type RouteDef } from '../route.js';
import { ApiError } from '../errors.js';
import * as S from '../schemas.js';

export const policyRoutes = (): RouteDef[] => [
  route({
    method: 'get',
    path: '/api/policies/:id/clauses',
    tag: 'Rule sets',
    summary: "A policy corpus's clauses (id, Chinese original, English translation, remarks)",
    description: 'The corpus a rule set names in `policy`, e.g. miit-sfc-2017; rule items cite these clause ids.',
    role: 'viewer',
    params: S.RuleSetIdParam,
    query: S.EmptyQuery,
    response: { status: 200, schema: z.array(S.ClauseText), description: 'Clauses in document order' },
    errors: ['not_found'],
    handler: ({ params, services }) => {
      const clauses = services.deps.clauses?.(params.id) ?? null;
      if (!clauses) throw new ApiError('not_found', `No policy ${params.id}`);
      return { body: clauses };
    },
  }),
  route({
    method: 'get',
    path: '/api/policies/:id/parameter-notes',
    tag: 'Rule sets',
    summary: "A policy corpus's notes on parameters: a description of each and the names of enum options",
    description: 'Shown by the editor where a rule set has no description of its own (a published version cannot be changed to add one).',
    role: 'viewer',
    params: S.RuleSetIdParam,
    query: S.EmptyQuery,
    response: { status: 200, schema: S.ParameterNotes, description: 'Notes by parameter id' },
    errors: ['not_found'],
    handler: ({ params, services }) => {
      const notes = services.deps.parameterNotes?.(params.id) ?? null;
      if (!notes) throw new ApiError('not_found', `No parameter notes for policy ${params.id}`);
      return { body: notes };
    },
  }),
];
