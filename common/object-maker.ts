// Objects of one shape, built fast: the report parser's rows and the normalizer's both come from here.

/**
 * A constructor of objects with these names, in this order, from their values: one object literal, so every object
 * it builds shares one V8 hidden class (assigning the names one by one to `{}` cost more than all of a report row's
 * checks). The names are JSON-quoted, so any text is safe, except "__proto__", which a literal would take as the
 * prototype: callers keep it out.
 */
export function objectMaker<V>(names: readonly string[]): (values: readonly V[]) => Record<string, V> {
  if (names.includes('__proto__')) throw new Error('objectMaker: "__proto__" cannot be a field name');
  const fields = names.map((n, i) => `${JSON.stringify(n)}: v[${i}]`).join(', ');
  return new Function('v', `return { ${fields} };`) as (values: readonly V[]) => Record<string, V>;
}
