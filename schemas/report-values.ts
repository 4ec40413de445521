// The value grammar of report rows: what a cell may hold, by kind, and its exact normalized form. The streaming
// parser hands numbers over as their JSON source text (never a float), strings as strings. The rule, in full
// (docs/what-is-pulled.md "Values"):
// - numbers: anything JSON allows (sign, fraction, exponent), as a JSON number or as a string of the same grammar
//   (leading zeros allowed in strings); all arithmetic is exact decimal, never a float;
// - JSON null, like an absent column, means 0 for a metric (docs/pinterest-api.md §4.3: "if a column has no value, it may not be
//   returned") and "not given" for an optional id; a required column that is null is refused;
// - counts and micro-units are integers: a fraction is rounded to the nearest integer, halves away from zero (as
//   Postgres' round() does); a micro-unit is a millionth of the currency, so the rounding moves at most half of one;
// - decimals (conversion counts, which Pinterest may model) keep up to 30 fractional digits, rounded the same way;
// - refused, naming the column: a negative value, an integer above 2^63-1, a decimal of 1e308 or more, an id that is
//   not all digits (an id in exponent form has already lost digits), and anything that is not a number (a boolean,
//   text, an array, an object).

/** Ids: 1 to 20 digits, as a JSON number or a string. */
export const ID_RE = /^\d{1,20}$/;
/** JSON's number grammar, also accepted inside a string (where leading zeros are tolerated). */
export const NUMBER_RE = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
/** The fast path's integers: plain digits (anything else is left to the full grammar). */
export const FAST_INT_RE = /^\d+$/;
/** The fast path's decimals: plain digits with an optional fraction, at most FAST_DEC_MAX_LENGTH characters. */
export const FAST_DEC_RE = /^\d+(\.\d+)?$/;
/** Short enough that a fast-path decimal is already in normal form (fewer than DECIMAL_DIGITS fractional digits). */
export const FAST_DEC_MAX_LENGTH = 30;
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export const MAX_BIGINT = 2n ** 63n - 1n;
/** Fractional digits a decimal keeps. */
export const DECIMAL_DIGITS = 30;
/** Integer digits from which a decimal is refused (1e308: beyond a double, which every reader of it would need). */
const DECIMAL_MAX_INT_DIGITS = 309;
/** Exponents beyond this are not expanded digit by digit: the value is either 0 after rounding or out of range. */
const MAX_EXPONENT = 1000;

/** A value the grammar refuses; the message completes "<COLUMN> …". */
export class ValueError extends Error {
  override name = 'ValueError';
}

interface Exact {
  negative: boolean;
  /** Integer digits without leading zeros ('0' for none). */
  int: string;
  /** Fractional digits without trailing zeros ('' for none). */
  frac: string;
}

/** The exact decimal value of a NUMBER_RE text, exponent applied by moving the point. */
function exact(text: string): Exact {
  const negative = text.charCodeAt(0) === 45;
  const body = negative ? text.slice(1) : text;
  const e = body.search(/[eE]/);
  const mantissa = e < 0 ? body : body.slice(0, e);
  let exponent = e < 0 ? 0 : Number(body.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const significant = digits.replace(/^0+/, '');
  if (significant === '') return { negative, int: '0', frac: '' };
  if (exponent > MAX_EXPONENT) exponent = MAX_EXPONENT;
  // A tiny value: keep a zero integer part and enough zeros to round it to nothing.
  if (exponent < -MAX_EXPONENT) return { negative, int: '0', frac: `${'0'.repeat(MAX_EXPONENT)}1` };
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  let int: string;
  let frac: string;
  if (point <= 0) {
    int = '0';
    frac = '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    int = digits + '0'.repeat(point - digits.length);
    frac = '';
  } else {
    int = digits.slice(0, point);
    frac = digits.slice(point);
  }
  return { negative, int: int.replace(/^0+(?=\d)/, ''), frac: frac.replace(/0+$/, '') };
}

const isZero = (x: Exact) => x.int === '0' && x.frac === '';

/** Adds one to a string of digits. */
function increment(digits: string): string {
  return (BigInt(digits) + 1n).toString().padStart(digits.length, '0');
}

/**
 * A count or a micro-unit amount: `text` is JSON number text or a string, `null`/`undefined` mean 0. Returns the
 * integer, a fraction rounded half away from zero. Throws ValueError for what the grammar refuses.
 */
export function integerValue(text: string | null | undefined): bigint {
  if (text === undefined || text === null) return 0n;
  if (FAST_INT_RE.test(text)) return checkedBigInt(BigInt(text), text);
  if (!NUMBER_RE.test(text)) throw new ValueError('must be a number');
  const x = exact(text);
  if (x.negative && !isZero(x)) throw new ValueError('is negative');
  if (x.int.length > 20) throw new ValueError(`${text} is out of range (above 2^63-1)`);
  let n = BigInt(x.int);
  if (x.frac.charCodeAt(0) >= 53) n += 1n;
  return checkedBigInt(n, text);
}

function checkedBigInt(n: bigint, text: string): bigint {
  if (n > MAX_BIGINT) throw new ValueError(`${text} is out of range (above 2^63-1)`);
  return n;
}

/** A decimal (numeric) as plain decimal text; `null`/`undefined` mean '0'. Throws ValueError as integerValue does. */
export function decimalValue(text: string | null | undefined): string {
  if (text === undefined || text === null) return '0';
  if (text.length <= FAST_DEC_MAX_LENGTH && FAST_DEC_RE.test(text)) return text;
  if (!NUMBER_RE.test(text)) throw new ValueError('must be a number');
  const x = exact(text);
  if (x.negative && !isZero(x)) throw new ValueError('is negative');
  if (x.int.length >= DECIMAL_MAX_INT_DIGITS) throw new ValueError(`${text} is out of range (1e308 or more)`);
  if (x.frac.length <= DECIMAL_DIGITS) return x.frac === '' ? x.int : `${x.int}.${x.frac}`;
  // Round the fraction to DECIMAL_DIGITS, halves away from zero, carrying into the integer part.
  let kept = x.frac.slice(0, DECIMAL_DIGITS);
  let int = x.int;
  if (x.frac.charCodeAt(DECIMAL_DIGITS) >= 53) {
    const up = increment(kept);
    if (up.length > kept.length) {
      int = (BigInt(int) + 1n).toString();
      kept = up.slice(1);
    } else kept = up;
  }
  kept = kept.replace(/0+$/, '');
  return kept === '' ? int : `${int}.${kept}`;
}

/** An id: digits only (a JSON number or a string), at most 20; returned as text. */
export function idValue(text: string): string {
  if (!ID_RE.test(text)) throw new ValueError('must be a numeric id');
  return text;
}
