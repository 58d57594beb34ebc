// The engine stays pure and isomorphic: no node, server, store, UI or code-evaluation imports anywhere under engine/
// (generated code only in core/acceptCode.ts).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const engineDir = path.resolve(import.meta.dirname, '../../engine');
function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('engine purity', () => {
  const all = files(engineDir);
  it('finds the engine sources', () => {
    expect(all.length).toBeGreaterThan(10);
  });
  it.each(all.map((f) => [path.relative(engineDir, f), f]))('%s imports nothing impure', (_rel, f) => {
    const src = fs.readFileSync(f as string, 'utf8');
    const imports = [...src.matchAll(/(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
    const bad = imports.filter((s) => /^(node:|fs$|path$|os$|crypto$|child_process$|express|lowdb|react|monaco)/.test(s));
    expect(bad).toEqual([]);
    // Generated code has one home, which writes data from the rule set only as JSON literals (test/engine/validation.test.ts tries to inject).
    if (path.basename(f as string) !== 'acceptCode.ts') expect(src).not.toMatch(/\bnew Function\s*\(|\beval\s*\(/);
    expect(src).not.toMatch(/\beval\s*\(/);
    expect(src).not.toMatch(/Date\.now\(\)|new Date\(\)|Math\.random\(\)/);
  });
});
