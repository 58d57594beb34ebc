// Renders the OpenAPI document as one self-contained HTML reference page (no scripts, no CDN).
type Json = Record<string, any>;

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function refLink(schema: Json | undefined): string {
  if (!schema) return '';
  if (schema.$ref) {
    const name = String(schema.$ref).split('/').pop()!;
    return `<a href="#schema-${esc(name)}"><code>${esc(name)}</code></a>`;
  }
  return `<code>${esc(JSON.stringify(schema))}</code>`;
}

/** Markdown-ish text: paragraphs, `code` and pipe tables. */
function text(md: string): string {
  return md
    .split('\n\n')
    .map((block) => {
      const lines = block.split('\n');
      if (lines.every((l) => l.startsWith('|'))) {
        const rows = lines.filter((l) => !/^\|[-| ]+\|$/.test(l)).map((l) => l.slice(1, -1).split('|').map((c) => c.trim()));
        return `<table>${rows.map((r, i) => `<tr>${r.map((c) => (i === 0 ? `<th>${inline(c)}</th>` : `<td>${inline(c)}</td>`)).join('')}</tr>`).join('')}</table>`;
      }
      return `<p>${inline(block)}</p>`;
    })
    .join('');
}
const inline = (s: string) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

/** The HTML reference page of an OpenAPI document. */
export function renderDocsPage(doc: Json): string {
  const ops: { tag: string; method: string; path: string; op: Json }[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) for (const [method, op] of Object.entries(item as Json)) ops.push({ tag: op.tags?.[0] ?? 'Other', method, path, op });
  const tags: string[] = (doc.tags as { name: string }[]).map((t) => t.name);
  const section = (tag: string) => {
    const list = ops.filter((o) => o.tag === tag);
    return `<h2 id="tag-${esc(tag)}">${esc(tag)}</h2>${list
      .map(({ method, path, op }) => {
        const params = (op.parameters as Json[])
          .map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : ''}</td><td>${refLink(p.schema)}${p.description ? ' ' + inline(p.description) : ''}</td></tr>`)
          .join('');
        const body = op.requestBody ? `<p><b>Body</b> ${refLink(op.requestBody.content['application/json'].schema)}</p>` : '';
        const responses = Object.entries(op.responses as Json)
          .map(([status, r]) => `<tr><td>${esc(status)}</td><td>${inline((r as Json).description)}</td><td>${refLink((Object.values((r as Json).content ?? {}) as Json[])[0]?.schema)}</td></tr>`)
          .join('');
        return `<section class="op" id="${esc(op.operationId)}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p>${inline(op.summary)} <span class="role">role: ${esc(op['x-role'])}</span></p>${op.description ? text(op.description) : ''}
${params ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${params}</table>` : ''}${body}
<table><tr><th>status</th><th>meaning</th><th>body</th></tr>${responses}</table></section>`;
      })
      .join('\n')}`;
  };
  const schemas = Object.entries(doc.components.schemas as Json)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, s]) => {
      const json = esc(JSON.stringify(s, null, 2)).replace(/&quot;#\/components\/schemas\/([A-Za-z0-9_]+)&quot;/g, '&quot;<a href="#schema-$1">#/components/schemas/$1</a>&quot;');
      return `<details id="schema-${esc(name)}"><summary><code>${esc(name)}</code>${s.description ? ' ' + esc(s.description) : ''}</summary><pre>${json}</pre></details>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)}: API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex;color:#1b1b1b}
nav{width:230px;flex:none;padding:1rem;background:#f4f4f6;height:100vh;position:sticky;top:0;overflow:auto;font-size:13px}
nav a{display:block;color:#333;text-decoration:none;padding:1px 0}main{padding:1rem 2rem;max-width:1000px}
code{background:#f1f1f3;padding:0 3px;border-radius:3px}pre{background:#f7f7f9;padding:.6rem;overflow:auto;font-size:12px}
table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top;font-size:13px}
.op{border-top:1px solid #e3e3e8;padding:.4rem 0}.m{font:bold 12px monospace;padding:2px 6px;border-radius:3px;color:#fff}
.get{background:#2f7d32}.post{background:#1a5fb4}.put{background:#b5651d}.patch{background:#8a5a00}.delete{background:#b3261e}
.role{font-size:12px;color:#555;border:1px solid #ccc;border-radius:8px;padding:0 6px;margin-left:6px}
</style></head><body>
<nav><b>${esc(doc.info.title)}</b><br>version ${esc(doc.info.version)}<br><a href="/api/openapi.json">openapi.json</a><hr>
${tags.map((t) => `<a href="#tag-${esc(t)}"><b>${esc(t)}</b></a>${ops.filter((o) => o.tag === t).map((o) => `<a href="#${esc(o.op.operationId)}">${esc(o.method.toUpperCase())} ${esc(o.path)}</a>`).join('')}`).join('')}
<a href="#schemas"><b>Schemas</b></a></nav>
<main><h1>${esc(doc.info.title)}</h1>${text(doc.info.description)}
${tags.map(section).join('\n')}
<h2 id="schemas">Schemas</h2>${schemas}</main></body></html>`;
}
