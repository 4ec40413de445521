// The benchmarks' settings from the environment.

/** A positive integer from `name`, or `fallback` when unset or empty; anything else is an error naming it. */
export function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return Number(raw);
}
