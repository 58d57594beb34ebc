// Labels as the engine shows them: {parameterId} placeholders filled with the draft's current values.

/** A label's {parameterId} placeholders filled with the parameters' values; unknown names stay visible. */
export function fillParameters(text: string, parameters: { id: string; value: unknown }[]): string {
  return text.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (m, id: string) => {
    const p = parameters.find((x) => x.id === id);
    return p ? String(p.value ?? '—') : m;
  });
}
