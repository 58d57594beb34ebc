// The worker pool keeps the event loop answering: while a 300 × 1,000 sweep runs, evaluate requests answer within 50 ms; without the pool they wait for the sweep.
// The evaluate requests are draft previews (the explained evaluation, nothing stored), so the store's fsync is not what is timed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import * as engine from '../../engine/index.js';
import { makeServer, RULES_DIR, type TestServer } from './helpers.js';

// A parameter that feeds a bonus formula: the sweep evaluates every dossier at every value (a threshold would be
// evaluated once per stretch of values and finish too soon to hold the event loop in the control).
const SWEEP = { ruleSet: 'sfc-2017@1', period: 2020, parameter: 'revenueBonusBase', from: 500, to: 2000, steps: 1000 };

/** 300 dossiers of one period: the samples with distinct city ids, stored directly. */
async function store300(t: TestServer): Promise<void> {
  const samples = fs
    .readdirSync(path.join(RULES_DIR, 'samples'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(RULES_DIR, 'samples', f), 'utf8')));
  await t.repo.transact(async (tx) => {
    for (let i = 0; i < 300; i++) {
      const d = structuredClone(samples[i % samples.length]);
      d.facts.cityId = `c${i}`;
      d.facts.period = 2020;
      const index = { cityName: String(d.facts.cityName), province: String(d.facts.province), period: 2020, type: String(d.facts.applicationType) };
      await tx.dossiers.addRevision(`c${i}-2020`, null, { revision: 1, hash: engine.dossierHash(d), at: '2026-01-01T00:00:00Z', by: 'test', dossier: d }, index);
    }
  });
}

async function listen(t: TestServer): Promise<{ url: string; server: Server }> {
  const server = t.app.listen(0, '127.0.0.1');
  // The event-loop case holds the loop for seconds: the default 5 s keep-alive would close the client's idle socket as it is reused.
  server.keepAliveTimeout = 120_000;
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Starts the sweep, then sends evaluate requests one after another while it runs; their latencies, and the sweep's. */
async function evaluateDuringSweep(t: TestServer, url: string): Promise<{ idle: number[]; during: number[]; after: number[]; sweepMs: number; sweepStatus: number }> {
  const post = (p: string, body: unknown) => fetch(url + p, { method: 'POST', headers: { ...t.auth('analyst'), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  // Warm: the workers started, the rule set compiled in each, the evaluation path jitted.
  expect((await post('/api/analysis/sweep', { ...SWEEP, steps: 200 })).status).toBe(200);
  const draft = await fetch(url + '/api/drafts', { method: 'POST', headers: { ...t.auth('editor'), 'Content-Type': 'application/json' }, body: JSON.stringify({ from: 'sfc-2017@1' }) }).then((r) => r.json());
  const evaluate = `/api/drafts/${draft.id}/evaluate`;
  expect((await post(evaluate, { dossierId: 'c1-2020' })).status).toBe(200);
  // The same requests with nothing else running: how fast this machine answers them right now.
  const idle: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    await (await post(evaluate, { dossierId: `c${i}-2020` })).arrayBuffer();
    idle.push(performance.now() - s);
  }
  let done = false;
  const t0 = performance.now();
  const sweep = post('/api/analysis/sweep', SWEEP).then(async (r) => {
    await r.arrayBuffer();
    done = true;
    return { status: r.status, ms: performance.now() - t0 };
  });
  await new Promise((r) => setTimeout(r, 50));
  const during: number[] = [];
  const after: number[] = [];
  // Until the sweep is answered (the store reads its 300 dossiers first, then the work starts), and at least once after.
  // Client and server share this process's event loop: a loop held by the sweep also delays the client's timer, so each
  // request is timed from when it was due (20 ms after the previous answer), not from when a late timer let it go.
  let due = t0 + 50;
  for (let i = 0; i < 400 && (!done || after.length === 0); i++) {
    const r = await post(evaluate, { dossierId: `c${i % 300}-2020` });
    await r.arrayBuffer();
    expect(r.status).toBe(200);
    const answered = performance.now();
    (done ? after : during).push(answered - due);
    due = answered + 20;
    await new Promise((res) => setTimeout(res, 20));
  }
  const out = await sweep;
  return { idle, during, after, sweepMs: out.ms, sweepStatus: out.status };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('heavy work off the event loop', () => {
  let pooled: TestServer;
  let inline: TestServer;
  beforeAll(async () => {
    // Checking a 6 MB answer against its schema is test-only work on the event loop: it would be measured too.
    pooled = await makeServer(engine, { checkResponses: false });
    inline = await makeServer(engine, { pool: null, checkResponses: false });
    await store300(pooled);
    await store300(inline);
  }, 60_000);
  afterAll(async () => {
    expect(pooled.internalErrors).toEqual([]);
    await pooled.cleanup();
    await inline.cleanup();
  });

  it('answers evaluate requests within 50 ms while a 300 × 1,000 sweep runs in the pool', async () => {
    const { url, server } = await listen(pooled);
    try {
      const r = await evaluateDuringSweep(pooled, url);
      expect(r.sweepStatus).toBe(200);
      console.log(`pool: sweep 300 × 1000 in ${r.sweepMs.toFixed(0)} ms; evaluate alone: ${r.idle.map((x) => x.toFixed(1)).join(', ')} ms; during the sweep: ${r.during.length} answers, median ${median(r.during).toFixed(1)} ms, max ${Math.max(...r.during).toFixed(1)} ms`);
      expect(r.during.length).toBeGreaterThanOrEqual(3);
      // 50 ms on a machine that answers them in a few milliseconds alone; on one loaded by other work the bound
      // grows with what the same request takes there alone, never by the second the sweep takes.
      expect(median(r.during)).toBeLessThanOrEqual(Math.max(50, 3 * median(r.idle)));
    } finally {
      server.close();
    }
  });

  it('without the pool the same evaluate request waits for the sweep (what the pool fixes)', async () => {
    const { url, server } = await listen(inline);
    try {
      const r = await evaluateDuringSweep(inline, url);
      console.log(`event loop: sweep 300 × 1000 in ${r.sweepMs.toFixed(0)} ms; evaluate alone: ${r.idle.map((x) => x.toFixed(1)).join(', ')} ms; the longest wait: ${Math.max(...r.during, ...r.after).toFixed(0)} ms`);
      // One of them was sent while the sweep held the event loop: it could only be answered once the sweep was done.
      const longest = Math.max(...r.during, ...r.after);
      expect(longest).toBeGreaterThan(200);
      expect(longest).toBeGreaterThan(5 * median(r.idle));
    } finally {
      server.close();
    }
  });

  it('gives the same sweep from the pool (split across threads) as the engine in one piece', async () => {
    const { url, server } = await listen(pooled);
    try {
      const body = { ...SWEEP, steps: 300 };
      const res = await fetch(url + '/api/analysis/sweep', { method: 'POST', headers: { ...pooled.auth('analyst'), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const got = await res.json();
      const dossiers = await pooled.repo.read(async (tx) => Promise.all((await tx.dossiers.list()).map(async (d) => (await tx.dossiers.revision(d.id))!.dossier)));
      const values = Array.from({ length: 300 }, (_, i) => Math.round((500 + (1500 * i) / 299) * 1e6) / 1e6);
      const compiled = engine.compileRuleSet(JSON.parse(fs.readFileSync(path.join(RULES_DIR, 'sfc-2017/v1.json'), 'utf8')));
      if (!compiled.ok) throw new Error();
      const want = engine.sweepParameter(compiled.compiled, dossiers, SWEEP.parameter, values);
      if (!want.ok) throw new Error(JSON.stringify(want.issues));
      expect(got.flips.length).toBeGreaterThan(10);
      expect(got.points).toEqual(want.result.points);
      expect(got.flips).toEqual(want.result.flips);
      expect(got.matrix).toEqual(want.result.matrix);
      expect({ parameter: got.parameter, label: got.label, unit: got.unit, baseline: got.baseline, dossiers: got.dossiers }).toEqual({
        parameter: SWEEP.parameter,
        label: want.result.label,
        unit: want.result.unit,
        baseline: 1000,
        dossiers: 300,
      });
    } finally {
      server.close();
    }
  });
});
