// Exact decimal arithmetic for comparing what Postgres and pinads print with sums of the sandbox's truth: values as
// bigint millionths (every amount, count and ratio the tests compare has at most six decimals, or is rounded to six).

const SCALE = 1_000_000n;

/** "12.5" → 12_500_000n (millionths); null stays null. Throws on more than six decimals. */
export function micro(text: string | null | undefined): bigint | null {
  if (text === null || text === undefined) return null;
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > 6) throw new Error(`more than six decimals: ${text}`);
  const v = BigInt(m[2]!) * SCALE + BigInt(frac.padEnd(6, '0') || '0');
  return m[1] ? -v : v;
}

/** Sums decimal strings exactly, in millionths. */
export const sumMicro = (values: (string | null | undefined)[]): bigint =>
  values.reduce((s, v) => s + (micro(v) ?? 0n), 0n);

/** num/den rounded half away from zero to six decimals, in millionths; null when den is 0 (as the views say). */
export function quotient(num: bigint, den: bigint): bigint | null {
  if (den === 0n) return null;
  const neg = num < 0n !== den < 0n;
  const [n, d] = [num < 0n ? -num : num, den < 0n ? -den : den];
  const q = (2n * n * SCALE + d) / (2n * d);
  return neg ? -q : q;
}
