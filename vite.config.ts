// Vite and Vitest configuration: the editor's build (root editor/, output editor/dist) and test discovery from the repo root.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: path.join(repoRoot, 'editor'),
  plugins: [react()],
  build: {
    outDir: path.join(repoRoot, 'editor', 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
  },
  server: { fs: { allow: [repoRoot] }, proxy: { '/api': 'http://localhost:8080' } },
  test: {
    root: repoRoot,
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
