// Content hashes of rule sets and dossiers: sha256 over RFC 8785 canonical JSON, in pure JavaScript so the engine runs anywhere.
import canonicalize from 'canonicalize';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** Canonical JSON text (RFC 8785): the same value always gives the same text. */
export function canonicalJson(x: unknown): string {
  return (canonicalize as unknown as (v: unknown) => string)(x) ?? 'null';
}

/** "sha256:<hex>" of a value's canonical JSON. */
export function hashOf(x: unknown): string {
  return `sha256:${bytesToHex(sha256(utf8ToBytes(canonicalJson(x))))}`;
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
