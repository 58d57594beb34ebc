// Routes for the store's settings: read by everyone signed in (the editor says whether publishing needs a review), changed by an administrator with an audit entry.
import { route, type RouteDef } from '../route.js';
import * as S from '../schemas.js';
import { appendAudit } from '../../audit.js';

export const settingsRoutes = (): RouteDef[] => [
  route({
    method: 'get',
    path: '/api/settings',
    tag: 'Access',
    summary: "The store's settings",
    description: "publishReview 'required' (a new store's default): a draft is published only after another editor approved it; 'optional': one person may publish.",
    role: 'viewer',
    query: S.EmptyQuery,
    response: { status: 200, schema: S.Settings, description: 'The settings' },
    errors: [],
    handler: ({ services }) => services.repo.read(async (tx) => ({ body: await tx.settings() })),
  }),
  route({
    method: 'put',
    path: '/api/settings',
    tag: 'Access',
    summary: "Change the store's settings",
    description: "Set publishReview to 'optional' only for a local install with a single editor; the change is in the audit log.",
    role: 'admin',
    body: S.Settings,
    response: { status: 200, schema: S.Settings, description: 'The settings now' },
    errors: ['invalid_request', 'store_read_only'],
    handler: ({ body, actor, services }) =>
      services.repo.transact(async (tx) => {
        const before = await tx.settings();
        if (before.publishReview === body.publishReview) return { body: before };
        await tx.putSettings(body);
        await appendAudit(tx, services.now(), { actor: services.actorName(actor), action: 'settings.update', target: 'settings', before: before.publishReview, after: body.publishReview, details: { publishReview: body.publishReview } });
        return { body };
      }),
  }),
];
