// The JSON Schema files under rules/schema/ are exactly what the zod schemas generate (run `npm run schemas` after changing a schema).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedSchemas } from '../../scripts/schemas.js';

describe('rules/schema', () => {
  it.each(Object.entries(generatedSchemas()))('%s is up to date', (name, schema) => {
    const onDisk = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../rules/schema', name), 'utf8'));
    expect(onDisk).toEqual(schema);
  });
});
