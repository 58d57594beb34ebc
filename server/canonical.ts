// Canonical JSON (RFC 8785) for the server: the engine's serializer, which writes JSON data directly and leaves anything
// else to the canonicalize library (the same text: test/engine/hash.test.ts compares the two).
import { canonicalJson } from '../engine/core/hash.js';

/**
 * The canonical text of a value, or undefined for undefined (as the canonicalize library answers, so a missing value
 * and null still differ where texts are compared).
 */
export function canonical(x: unknown): string | undefined {
  return x === undefined ? undefined : canonicalJson(x);
}
