// The API reference page: Swagger UI from the swagger-ui-dist package, served by this server (no CDN), reading /api/openapi.json, with "Try it out" on.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

/** Folder of the swagger-ui-dist package (its CSS and JS bundles are served from here). */
export function swaggerUiDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('swagger-ui-dist/package.json'));
}

/** The page at /api/docs: Swagger UI's assets under /api/docs/assets/, started by /api/docs/init.js (no inline script, so a strict CSP allows it). */
export function renderDocsPage(title: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}: API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
<link rel="stylesheet" href="/api/docs/docs.css">
</head><body>
<header class="mc-head"><strong>${esc(title)}</strong> · <a href="/api/openapi.json">openapi.json</a> · <a href="/">web app</a>
<span class="mc-hint">Sign in with <b>Authorize</b> (a bearer token), open an operation and press <b>Try it out</b>; each of evaluate, batch, cohort, drafts and publish has an example request and response.</span></header>
<div id="swagger-ui"></div>
<noscript><p>This page needs JavaScript. The API is described by <a href="/api/openapi.json">/api/openapi.json</a>.</p></noscript>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body></html>`;
}

/** The script that starts Swagger UI on the OpenAPI document; requests are tried against this server. */
export const DOCS_INIT = `window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  tryItOutEnabled: false,
  persistAuthorization: true,
  displayRequestDuration: true,
  docExpansion: 'list',
  defaultModelsExpandDepth: 0,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

export const DOCS_CSS = `body{margin:0;font-family:system-ui,sans-serif}
.mc-head{padding:.6rem 1.25rem;background:#16324f;color:#dfe8f2;font-size:14px}
.mc-head a{color:#b9d3ee}.mc-hint{display:block;font-size:12px;color:#b9cde2;margin-top:.2rem}
`;

/** The version of the swagger-ui-dist package in use (for the commit log and the page's provenance). */
export function swaggerUiVersion(): string {
  return (JSON.parse(readFileSync(path.join(swaggerUiDir(), 'package.json'), 'utf8')) as { version: string }).version;
}
