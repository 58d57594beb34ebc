// Page-weight benchmark: the sign-in page's transferred bytes (cold cache) and the rule editor page's time to interactive, measured in Debian's chromium against the real server; prints figures.
import { request } from 'node:http';
import type { CDPSession, Page } from 'playwright-core';
import { ensureEditorBuilt, launchChromium, startServer } from '../e2e/harness.js';

const RUNS = Number(process.env.RUNS ?? 5);

interface Transfer {
  requests: number;
  /** Bytes on the wire (headers and bodies, compressed as sent). */
  transferred: number;
  /** Bytes of the bodies once decoded. */
  decoded: number;
  scripts: string[];
}

/** Counts what the page loads until the network is idle, from Chromium's own network events. */
async function countTransfer(page: Page, cdp: CDPSession, url: string, ready: () => Promise<unknown>): Promise<Transfer> {
  const byId = new Map<string, { url: string; encoded: number; decoded: number }>();
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  cdp.on('Network.responseReceived', (e) => byId.set(e.requestId, { url: e.response.url, encoded: 0, decoded: 0 }));
  cdp.on('Network.dataReceived', (e) => {
    const r = byId.get(e.requestId);
    if (r) r.decoded += e.dataLength;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = byId.get(e.requestId);
    if (r) r.encoded = e.encodedDataLength;
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  await ready();
  const all = [...byId.values()];
  return {
    requests: all.length,
    transferred: all.reduce((a, r) => a + r.encoded, 0),
    decoded: all.reduce((a, r) => a + r.decoded, 0),
    scripts: all.filter((r) => /\.js(\?|$)/.test(r.url)).map((r) => `${new URL(r.url).pathname} ${(r.encoded / 1024).toFixed(0)} kB`),
  };
}

function post(url: string, token: string, path: string, body: unknown): Promise<{ id: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode && res.statusCode < 300 ? resolve(JSON.parse(text)) : reject(new Error(`${path}: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  await ensureEditorBuilt();
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const draft = await post(server.url, server.adminToken, '/api/drafts', { from: 'sfc-2017@1' });
    const signIn: Transfer[] = [];
    const editorMs: number[] = [];
    const editorTransfer: Transfer[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
      const page = await ctx.newPage();
      const cdp = await ctx.newCDPSession(page);
      signIn.push(await countTransfer(page, cdp, server.url, () => page.getByTestId('token-input').waitFor()));
      await page.evaluate((t) => localStorage.setItem('mingcheng.token', t), server.adminToken);
      await ctx.close();

      // The editor page from a cold cache, signed in: from navigation to the first parameter field that takes input.
      const ctx2 = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
      await ctx2.addInitScript((t) => localStorage.setItem('mingcheng.token', t), server.adminToken);
      const page2 = await ctx2.newPage();
      const cdp2 = await ctx2.newCDPSession(page2);
      const t0 = Date.now();
      const tr = await countTransfer(page2, cdp2, `${server.url}/drafts/${draft.id}`, async () => {
        const input = page2.getByTestId('param-value-revenueThreshold');
        await input.waitFor({ timeout: 60_000 });
        await input.click();
      });
      editorMs.push(Date.now() - t0);
      const nav = await page2.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return n.domContentLoadedEventEnd;
      });
      void nav;
      editorTransfer.push(tr);
      await ctx2.close();
    }
    const last = signIn.at(-1)!;
    console.log(`sign-in page: ${last.requests} requests, ${(median(signIn.map((s) => s.transferred)) / 1024).toFixed(1)} kB transferred, ${(median(signIn.map((s) => s.decoded)) / 1024).toFixed(1)} kB decoded (median of ${RUNS}, cold cache)`);
    for (const s of last.scripts) console.log(`  script ${s}`);
    console.log(`editor page: time to interactive ${median(editorMs)} ms (median of ${RUNS}; runs ${editorMs.join(', ')} ms), ${(median(editorTransfer.map((s) => s.transferred)) / 1024).toFixed(1)} kB transferred until network idle`);
    for (const s of editorTransfer.at(-1)!.scripts) console.log(`  script ${s}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
