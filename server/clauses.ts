// Loads the clause texts of every policy corpus under rules/policy, for the clause endpoint the editor shows beside each rule.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ClauseText } from './api/schemas.js';

/** Clause texts of each policy corpus (rules/policy/<id>/clauses.json), by policy id; unreadable corpora are left out. */
export async function loadClauseTexts(rulesDir: string): Promise<Map<string, z.infer<typeof ClauseText>[]>> {
  const out = new Map<string, z.infer<typeof ClauseText>[]>();
  let policies: string[] = [];
  try {
    policies = (await readdir(path.join(rulesDir, 'policy'))).sort();
  } catch {
    return out;
  }
  for (const policy of policies) {
    try {
      const raw = JSON.parse(await readFile(path.join(rulesDir, 'policy', policy, 'clauses.json'), 'utf8'));
      const parsed = z.array(ClauseText).safeParse(raw);
      if (parsed.success) out.set(policy, parsed.data);
    } catch {
      // A policy folder without readable clauses.json has no texts to show.
    }
  }
  return out;
}
