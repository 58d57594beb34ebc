// Content hashes of rule sets and dossiers: sha256 over RFC 8785 canonical JSON; the engine runs anywhere (JavaScript
// SHA-256) and takes the platform's native digest where there is one.
import canonicalize from 'canonicalize';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

const library = canonicalize as unknown as (v: unknown) => string | undefined;
const PLAIN = Object.prototype;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const nativeWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;
/** Whether a string has no lone surrogate (String.prototype.isWellFormed where the platform has it). */
const wellFormed: (s: string) => boolean = nativeWellFormed ? (s) => nativeWellFormed.call(s) : (s) => !LONE_SURROGATE.test(s);
/** Thrown inside the fast serializer when a value needs the library's own handling (or its errors). */
const ASK_LIBRARY = Symbol('ask the library');

/**
 * The canonical text of JSON data: plain objects (keys sorted by UTF-16 code units, undefined members left out),
 * arrays, strings, finite numbers, booleans and null, serialized as ECMAScript's JSON.stringify does. Anything else (a
 * toJSON method, a class instance, a lone surrogate, NaN, nesting deep enough to be a cycle) is the library's.
 */
// Member names repeat across objects and documents (every dossier has the same ones): each one's quoted text and colon
// is made and checked once.
const keyTexts = new Map<string, string>();
function keyText(k: string): string {
  let t = keyTexts.get(k);
  if (t === undefined) {
    if (!wellFormed(k)) throw ASK_LIBRARY;
    if (keyTexts.size >= 8192) keyTexts.clear();
    keyTexts.set(k, (t = `${JSON.stringify(k)}:`));
  }
  return t;
}

function fast(x: unknown, depth: number): string {
  if (x === null) return 'null';
  switch (typeof x) {
    case 'string':
      if (!wellFormed(x)) throw ASK_LIBRARY;
      return JSON.stringify(x);
    case 'number':
      if (!Number.isFinite(x)) throw ASK_LIBRARY;
      return JSON.stringify(x);
    case 'boolean':
      return x ? 'true' : 'false';
    case 'object': {
      if (depth > 500) throw ASK_LIBRARY;
      if (Array.isArray(x)) {
        let out = '[';
        for (let i = 0; i < x.length; i++) {
          const v = x[i];
          if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') throw ASK_LIBRARY;
          out += (i ? ',' : '') + (v === undefined ? 'null' : fast(v, depth + 1));
        }
        return out + ']';
      }
      if (Object.getPrototypeOf(x) !== PLAIN) throw ASK_LIBRARY;
      const o = x as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length > 1) keys.sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = o[k];
        if (v === undefined) continue;
        out += (first ? '' : ',') + keyText(k) + fast(v, depth + 1);
        first = false;
      }
      return out + '}';
    }
    default:
      throw ASK_LIBRARY;
  }
}

/**
 * Canonical JSON text (RFC 8785): the same value always gives the same text. JSON data takes the fast serializer
 * above; anything it leaves out goes to the canonicalize library, whose text the fast one equals wherever both
 * serialize (test/engine/hash.test.ts compares them).
 */
export function canonicalJson(x: unknown): string {
  try {
    return fast(x, 0);
  } catch (e) {
    if (e !== ASK_LIBRARY) throw e;
    return library(x) ?? 'null';
  }
}

type NativeCrypto = { createHash(alg: 'sha256'): { update(s: string, enc: 'utf8'): { digest(enc: 'hex'): string } } };
/** Node.js's own SHA-256, reached without an import so that the engine still loads anywhere; undefined elsewhere. */
const native = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:crypto') as NativeCrypto | undefined;

/** SHA-256 of a text's UTF-8 bytes, in hex: in JavaScript (noble), for every platform. */
export const sha256HexPortable = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));
/** The same digest from the platform's native code where it has one (a quarter of the time for a 2.5 kB dossier). */
export const sha256Hex: (text: string) => string = native ? (text) => native.createHash('sha256').update(text, 'utf8').digest('hex') : sha256HexPortable;

/** "sha256:<hex>" of a value's canonical JSON. */
export function hashOf(x: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(x))}`;
}

/** Content hash of a rule-set version: everything but its status and editor hints, so publishing does not change it. */
export function ruleSetHash(ruleSet: object): string {
  const { status: _s, $schema: _j, ...content } = ruleSet as Record<string, unknown>;
  return hashOf(content);
}

/** Content hash of a dossier as submitted. */
export function dossierHash(dossier: unknown): string {
  return hashOf(dossier);
}
