// End-to-end harness: builds the editor when its build is missing or stale, starts the real server in-process on a temp store, and launches Debian's chromium.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import * as engine from '../../engine/index.js';
import { createApp } from '../../server/app.js';
import { openLowdbRepository } from '../../server/store/lowdbRepository.js';
import { loadClauseIds, seedStore } from '../../server/seed.js';
import { loadClauseTexts, loadParameterNotes } from '../../server/clauses.js';
import type { EngineApi } from '../../server/engine.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const RULES_DIR = path.join(ROOT, 'rules');
const DIST = path.join(ROOT, 'editor', 'dist');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return newest;
}

/** Builds editor/dist with Vite when it is missing or older than editor/ sources; one build at a time across test workers. */
export async function ensureEditorBuilt(): Promise<void> {
  const index = path.join(DIST, 'index.html');
  // The bundle holds editor/src, the engine and the shared API schemas; a change to any of them (or to the build setup) rebuilds.
  const inputs = () =>
    Math.max(
      newestMtime(path.join(ROOT, 'editor', 'src')),
      newestMtime(path.join(ROOT, 'engine')),
      ...['editor/index.html', 'server/api/schemas.ts', 'vite.config.ts', 'package-lock.json'].map((f) => statSync(path.join(ROOT, f)).mtimeMs),
    );
  const stale = () => !existsSync(index) || statSync(index).mtimeMs < inputs();
  if (!stale()) return;
  const lock = path.join(ROOT, 'node_modules', '.mingcheng-editor-build.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another worker is building; wait for it, then check again.
      await new Promise((r) => setTimeout(r, 500));
      if (!stale()) return;
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
    }
  }
  try {
    if (!stale()) return;
    const { build } = await import('vite');
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'error' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface E2EServer {
  url: string;
  adminToken: string;
  dataDir: string;
  /** The store behind the server, for tests that must reach past the API (a tampered audit log). */
  repo: Awaited<ReturnType<typeof openLowdbRepository>>;
  /** A JSON request to the server as the admin (or as `opts.token`): its status, ETag and parsed body (null when none). */
  api(method: string, url: string, body?: unknown, opts?: { headers?: Record<string, string>; token?: string }): Promise<ApiAnswer>;
  close(): Promise<void>;
}

export interface ApiAnswer {
  status: number;
  etag: string | null;
  body: any;
}

/** The real server (createApp, lowdb store seeded from rules/ with the sample dossiers) on a free port. */
export async function startServer(): Promise<E2EServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mc-e2e-'));
  const repo = await openLowdbRepository(dataDir, { auditKey: randomBytes(32) });
  const clauses = await loadClauseIds(RULES_DIR);
  const clauseIds = (p: string) => clauses.get(p) ?? [];
  const texts = await loadClauseTexts(RULES_DIR);
  const notes = await loadParameterNotes(RULES_DIR);
  const eng: EngineApi = engine;
  const seeded = await seedStore(repo, eng, { rulesDir: RULES_DIR, clauseIds, now: new Date().toISOString() });
  if (!seeded.adminToken) throw new Error('the seed did not create an admin token');
  const app = createApp({ repo, engine: eng, clauseIds, clauses: (p) => texts.get(p) ?? null, parameterNotes: (p) => notes.get(p) ?? null, editorDist: DIST });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const adminToken = seeded.adminToken;
  return {
    url,
    adminToken,
    dataDir,
    repo,
    api: async (method, path, body, opts = {}) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${opts.token ?? adminToken}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...opts.headers },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, etag: res.headers.get('ETag'), body: await res.json().catch(() => null) };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await repo.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's chromium, headless, with nothing reaching out to the network. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No chromium at ${CHROMIUM}: install it (apt-get install -y chromium fonts-noto-cjk, as .ci/run does) or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Writes a screenshot of the page to test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: opts.fullPage ?? false });
}

/** Signs in through the sign-in form. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('token-input').fill(token);
  await page.getByTestId('signin-button').click();
  await page.getByTestId('nav-library').waitFor();
}

/** The widths every editor screen is checked at: a desktop (1440) and a small laptop or tablet in landscape (1024). */
export const WIDTHS = [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
] as const;

/** Screenshots of the page at each width in WIDTHS (<name>-1440.png, <name>-1024.png), with `target` scrolled to the middle, then back to the page's own size. */
export async function screenshots(page: Page, name: string, target?: Locator): Promise<void> {
  const own = page.viewportSize();
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    if (target) await target.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    // Two frames: layout (and Monaco's resize observer) settle before the picture.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await screenshot(page, `${name}-${size.width}`);
  }
  if (own) await page.setViewportSize(own);
}
