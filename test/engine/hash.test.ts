// Canonical JSON: the engine's serializer gives the canonicalize library's text (RFC 8785) for every value, so content
// and dossier hashes stay what decision records already hold.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson, hashOf, sha256Hex, sha256HexPortable } from '../../engine/core/hash.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

const library = (x: unknown): string => (canonicalize as unknown as (v: unknown) => string | undefined)(x) ?? 'null';
const root = path.resolve(import.meta.dirname, '../..');

/** What the library does with a value: its text, or the error it throws. */
const outcome = (f: () => string): { text?: string; error?: string } => {
  try {
    return { text: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

describe('canonical JSON', () => {
  it('equals the library on generated JSON values, keys in any order and any script', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        expect(canonicalJson(v)).toBe(library(v));
      }),
      { seed: 8785, numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.double(), fc.string({ unit: 'binary' }), fc.constant(undefined), fc.boolean())), (v) => {
        expect(outcome(() => canonicalJson(v))).toEqual(outcome(() => library(v)));
      }),
      { seed: 8786, numRuns: 3000 },
    );
  });

  it('equals the library on the values JSON leaves open, and throws where it throws', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    const odd: unknown[] = [
      -0, 1e21, 1e-7, 0.1 + 0.2, Number.MAX_VALUE, 5e-324, NaN, Infinity, -Infinity,
      'a\u2028b', '\uD800', 'x\uDC00', '\uD83D\uDE00', '\u0000\u001f"\\',
      { b: 1, a: undefined, c: [undefined, null, 1] }, { '\uD83D\uDE00': 1, '\uFFFF': 2, a: 3, A: 4, '10': 5, '9': 6 },
      { '\uD800': 1 }, new Date(0), { d: new Date(0) }, [new Date(0)], { toJSON: () => ({ z: 1, a: 2 }) },
      cycle, [[[[]]]], {}, [], '', null, true, false, undefined,
    ];
    odd.forEach((v, i) => expect(outcome(() => canonicalJson(v)), `odd value ${i}`).toEqual(outcome(() => library(v))));
  });

  it('gives the same hashes as before for every dossier and rule set in the repository', () => {
    const files = ['rules/sfc-2017/v1.json', 'rules/sfc-2017/v2.json', ...fs.readdirSync(path.join(root, 'rules/samples')).map((f) => `rules/samples/${f}`)];
    for (const f of files) {
      const doc = JSON.parse(fs.readFileSync(path.join(root, f), 'utf8'));
      expect(hashOf(doc), f).toBe(`sha256:${bytesToHex(sha256(utf8ToBytes(library(doc))))}`);
    }
  });

  it('the native digest and the JavaScript one agree, on any text', () => {
    expect(sha256Hex).not.toBe(sha256HexPortable); // Node.js has a native one
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 3000 }), (text) => {
        expect(sha256Hex(text)).toBe(sha256HexPortable(text));
      }),
      { seed: 256, numRuns: 500 },
    );
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
