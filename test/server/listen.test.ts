// The app as `npm start` serves it (app.listen): Node's server makes each request and response with the prototypes
// Express gives them, so Express does not change an object's prototype on every request (which kept much of each
// request's garbage alive through young collections). The answers are those the app gives through supertest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo, Server } from 'node:net';
import type http from 'node:http';
import * as engine from '../../engine/index.js';
import { fullDossier, makeServer, type TestServer } from './helpers.js';

let t: TestServer;
let server: http.Server;
let base: string;
const seen: { request: boolean; response: boolean }[] = [];

beforeAll(async () => {
  t = await makeServer(engine);
  server = await new Promise<http.Server>((resolve, reject) => {
    const s = t.app.listen(0, '127.0.0.1', (e?: Error) => (e ? reject(e) : resolve(s)));
  });
  // Before Express sees them: their prototypes are already the ones it sets.
  server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    seen.push({ request: Object.getPrototypeOf(req) === t.app.request, response: Object.getPrototypeOf(res) === t.app.response });
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  expect(t.internalErrors).toEqual([]);
  await t.cleanup();
});

describe('app.listen', () => {
  it('serves requests made with Express\'s prototypes, and every kind of answer as before', async () => {
    const analyst = { Authorization: `Bearer ${t.tokens.analyst}`, 'Content-Type': 'application/json' };
    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');

    const decided = await fetch(`${base}/api/evaluate`, { method: 'POST', headers: analyst, body: JSON.stringify({ ruleSet: 'sfc-2017@1', dossier: fullDossier('alpha', 1450, 1250) }) });
    const decision = (await decided.json()) as { outcome: { status: string }; subject: { id: string } };
    expect(decided.status, JSON.stringify(decision)).toBe(200);
    expect(decision.outcome.status).toBe('passed');
    expect(decision.subject.id).toBe('alpha');

    const malformed = await fetch(`${base}/api/evaluate`, { method: 'POST', headers: analyst, body: '{"ruleSet":' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('malformed_json');

    const unauthenticated = await fetch(`${base}/api/evaluate`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(unauthenticated.status).toBe(401);

    const missing = await fetch(`${base}/api/no-such-route`, { headers: analyst });
    expect(missing.status).toBe(404);

    // A large answer, compressed as the client asks.
    const docs = await fetch(`${base}/api/openapi.json`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-encoding')).toBe('gzip');
    expect(((await docs.json()) as { openapi: string }).openapi).toMatch(/^3\./);

    expect(seen.length).toBe(6);
    expect(seen.every((s) => s.request && s.response), JSON.stringify(seen)).toBe(true);
  });

  it('calls its callback once, with the error, when the port is taken', async () => {
    const port = (server.address() as AddressInfo).port;
    const calls: unknown[] = [];
    const other = t.app.listen(port, '127.0.0.1', (e?: Error) => calls.push(e?.message ?? 'listening')) as Server;
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).toHaveLength(1);
    expect(String(calls[0])).toContain('EADDRINUSE');
    other.close();
  });
});
