// Reading facts out of a dossier, and the fields a stored dossier is listed and filtered by.
import type { Dossier } from './engine.js';
import type { DossierIndex } from './store/repository.js';

/** A fact of a dossier by dotted id, unwrapping `{value, ...}`. */
export function factOf(dossier: Dossier, id: string): unknown {
  let v: unknown = dossier.facts[id];
  if (v === undefined) {
    v = dossier.facts;
    for (const part of id.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  }
  if (v && typeof v === 'object' && !Array.isArray(v) && 'value' in v) return (v as { value: unknown }).value;
  return v;
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** The listing fields of a dossier revision: city name, province, period and application type. */
export function dossierIndex(dossier: Dossier): DossierIndex {
  const period = factOf(dossier, 'period');
  return {
    cityName: str(factOf(dossier, 'cityName')),
    province: str(factOf(dossier, 'province')),
    period: typeof period === 'number' ? period : null,
    type: str(factOf(dossier, 'applicationType')),
  };
}
