// Writes the JSON Schemas generated from the zod schemas to rules/schema/ (for editors and external tools): npm run schemas.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Dossier, GoldenSuite, ruleSetJsonSchema } from '../engine/index.js';

export function generatedSchemas(): Record<string, unknown> {
  return {
    'ruleSet.schema.json': ruleSetJsonSchema(),
    'dossier.schema.json': z.toJSONSchema(Dossier, { io: 'input', unrepresentable: 'any' }),
    'golden.schema.json': z.toJSONSchema(GoldenSuite, { io: 'input', unrepresentable: 'any' }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = path.resolve(import.meta.dirname, '../rules/schema');
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, schema] of Object.entries(generatedSchemas())) {
    fs.writeFileSync(path.join(dir, name), JSON.stringify(schema, null, 2) + '\n');
    console.log(`wrote rules/schema/${name}`);
  }
}
