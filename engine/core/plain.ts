// Plain objects made by constructor calls. V8 allocates an object literal's objects straight in the old generation once
// most of them have outlived a young collection (allocation-site pretenuring: a caller that keeps its checked dossiers,
// as a cohort run or the benchmark does, teaches it that). A pretenured object pointing at young ones (a fact map, a
// closure, a Map) then keeps them, and all they point at, alive through each young collection until the next full one,
// long after the caller dropped them: checking a dossier took twice as long, most of it in the garbage collector. A
// constructor call has no allocation site, so its objects start young and die young.

/**
 * A constructor of plain objects (prototype Object.prototype, own keys in the order `init` writes them), as a literal
 * would make them.
 */
export function plain<A extends unknown[], T>(init: (this: T, ...a: A) => void): new (...a: A) => T {
  (init as unknown as { prototype: object }).prototype = Object.prototype;
  return init as unknown as new (...a: A) => T;
}
