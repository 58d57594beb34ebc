// Vite and Vitest configuration: the editor's build (root editor/, output editor/dist) and test discovery from the repo root.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { chromiumAvailable, REQUIRE_SUITES } from './test/support/suites.js';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));

/**
 * The editor edits JSON only: Monaco's TypeScript, CSS and HTML language services (and their large workers) are
 * replaced by empty modules, which halves the build and the served files.
 */
function monacoJsonOnly(): Plugin {
  const EMPTY = '\0monaco-unused-language';
  return {
    name: 'mingcheng:monaco-json-only',
    enforce: 'pre',
    resolveId(source, importer) {
      if (importer?.includes('monaco-editor') && /languages\/features\/(typescript|css|html)\/register\.js$/.test(source)) return EMPTY;
      return null;
    },
    load(id) {
      return id === EMPTY ? 'export {};' : null;
    },
  };
}

export default defineConfig({
  root: path.join(repoRoot, 'editor'),
  plugins: [monacoJsonOnly(), react()],
  build: {
    outDir: path.join(repoRoot, 'editor', 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
  },
  server: { fs: { allow: [repoRoot] }, proxy: { '/api': 'http://localhost:8080' } },
  test: {
    root: repoRoot,
    include: ['test/**/*.test.ts'],
    // Without chromium the browser suites are left out (test/support/suites.ts prints how to enable them; CI requires them).
    exclude: [...configDefaults.exclude, ...(chromiumAvailable() || REQUIRE_SUITES ? [] : ['test/e2e/**'])],
    globalSetup: ['test/support/suites.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
