// Loads the clause texts and the parameter notes of every policy corpus under rules/policy, for the endpoints the editor shows beside each rule and parameter.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ClauseText, ParameterNotes } from './api/schemas.js';

/** The policy corpora under rules/policy, sorted; none when the folder is missing. */
async function policyFolders(rulesDir: string): Promise<string[]> {
  return (await readdir(path.join(rulesDir, 'policy')).catch(() => [] as string[])).sort();
}

/** Clause texts of each policy corpus (rules/policy/<id>/clauses.json), by policy id; unreadable corpora are left out. */
export async function loadClauseTexts(rulesDir: string): Promise<Map<string, z.infer<typeof ClauseText>[]>> {
  const out = new Map<string, z.infer<typeof ClauseText>[]>();
  for (const policy of await policyFolders(rulesDir)) {
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

/** Parameter notes of each policy corpus (rules/policy/<id>/parameter-notes.json), by policy id; a corpus without the file has none, a malformed file is an error. */
export async function loadParameterNotes(rulesDir: string): Promise<Map<string, z.infer<typeof ParameterNotes>>> {
  const out = new Map<string, z.infer<typeof ParameterNotes>>();
  for (const policy of await policyFolders(rulesDir)) {
    const file = path.join(rulesDir, 'policy', policy, 'parameter-notes.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    const parsed = ParameterNotes.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    out.set(policy, parsed.data);
  }
  return out;
}
