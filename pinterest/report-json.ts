// A JSON value scanner over buffered text that keeps numbers as their exact source text. It is restartable:
// a scan that runs off the end of the buffer returns MORE, and the caller rescans once more text has arrived.
// Split from report-parser.ts, which drives it through the report file's outer shape.

export class ReportFormatError extends Error {
  override name = 'ReportFormatError';
}

export type ReportValue = string | boolean | null | ReportValue[] | { [k: string]: ReportValue };

export interface ReportRecord {
  /** The top-level key the row was found under (the entity id of the report level). */
  entityKey: string;
  /** 0-based position of the row in the whole file. */
  index: number;
  /** Numbers are their exact source text; strings are strings. */
  row: Record<string, ReportValue>;
}

/** Returned by a scan that ran off the end of the buffered text: wait for the next chunk and rescan. */
export const MORE = -1;

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** A field of an object built by assignment: a "__proto__" field must stay data, not replace its prototype. */
export function setField(out: Record<string, ReportValue>, key: string, v: ReportValue): void {
  if (key === '__proto__')
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  else out[key] = v;
}

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

export class JsonScanner {
  buf = '';
  pos = 0;
  /** Characters dropped from the front of `buf`, for error positions. */
  dropped = 0;
  /** Index of the next backslash in `buf` at or after the last string start; 2^32-1 when there is none. */
  slash = 0;
  /** Value end of the last successful scan (strings and values return it here to avoid allocating tuples). */
  end = 0;

  fail(what: string, at = this.pos): never {
    throw new ReportFormatError(
      `report file is not valid report JSON at character ${this.dropped + at}: ${what}`,
    );
  }

  skipWs(p: number): number {
    const b = this.buf;
    while (p < b.length && isWs(b.charCodeAt(p))) p++;
    return p;
  }

  /** Parses a string starting at the quote at `p`; sets `end` past the closing quote. */
  str(p: number): string | typeof MORE {
    const b = this.buf;
    const close = b.indexOf('"', p + 1);
    if (close < 0) return MORE;
    // Cache the next backslash: searching for it afresh at every string would rescan the whole chunk.
    if (this.slash < p + 1) this.slash = b.indexOf('\\', p + 1) >>> 0;
    if (this.slash > close) {
      this.end = close + 1;
      return b.slice(p + 1, close);
    }
    let out = '';
    let i = p + 1;
    while (i < b.length) {
      const c = b.charCodeAt(i);
      if (c === 34) {
        this.end = i + 1;
        return out;
      }
      if (c !== 92) {
        const next = Math.min(b.indexOf('"', i) >>> 0, b.indexOf('\\', i) >>> 0);
        if (next === 0xffffffff) return MORE;
        out += b.slice(i, next);
        i = next;
        continue;
      }
      if (i + 1 >= b.length) return MORE;
      const e = b[i + 1]!;
      if (e === 'u') {
        if (i + 6 > b.length) return MORE;
        const hex = b.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(`bad \\u escape "\\u${hex}"`, i);
        out += String.fromCharCode(Number.parseInt(hex, 16));
        i += 6;
      } else {
        const ch = ESCAPES[e];
        if (ch === undefined) this.fail(`bad escape "\\${e}"`, i);
        out += ch;
        i += 2;
      }
    }
    return MORE;
  }

  /** Parses any JSON value at `p` (numbers as text); sets `end`. */
  value(p: number): ReportValue | typeof MORE {
    const b = this.buf;
    if (p >= b.length) return MORE;
    const c = b.charCodeAt(p);
    if (c === 34) return this.str(p);
    if (c === 45 || (c >= 48 && c <= 57)) return this.number(p);
    if (c === 123) return this.object(p);
    if (c === 91) return this.array(p);
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (c === word.charCodeAt(0)) {
        if (p + word.length > b.length)
          return word.startsWith(b.slice(p)) ? MORE : this.fail('bad literal', p);
        if (!b.startsWith(word, p)) this.fail('bad literal', p);
        this.end = p + word.length;
        return v;
      }
    }
    return this.fail(`unexpected ${JSON.stringify(b[p])}`, p);
  }

  /** Scans a JSON number at `p` and returns its source text; sets `end`. */
  number(p: number): string | typeof MORE {
    const b = this.buf;
    const n = b.length;
    let i = p;
    if (b.charCodeAt(i) === 45) i++;
    let c = b.charCodeAt(i);
    if (c === 48) c = b.charCodeAt(++i);
    else if (c >= 49 && c <= 57) {
      do c = b.charCodeAt(++i);
      while (c >= 48 && c <= 57);
    } else return i >= n ? MORE : this.fail('bad number', p);
    if (c === 46) {
      const start = i + 1;
      do c = b.charCodeAt(++i);
      while (c >= 48 && c <= 57);
      if (i === start) return i >= n ? MORE : this.fail('bad number', p);
    }
    if (c === 101 || c === 69) {
      c = b.charCodeAt(++i);
      if (c === 43 || c === 45) c = b.charCodeAt(++i);
      const start = i;
      while (c >= 48 && c <= 57) c = b.charCodeAt(++i);
      if (i === start) return i >= n ? MORE : this.fail('bad number', p);
    }
    // A number touching the end of the buffer may continue in the next chunk.
    if (i >= n) return MORE;
    this.end = i;
    return b.slice(p, i);
  }

  /** Parses an object whose `{` is at `p`; sets `end`. (A report row goes through row().) */
  object(p: number): Record<string, ReportValue> | typeof MORE {
    const b = this.buf;
    const out: Record<string, ReportValue> = {};
    let i = this.skipWs(p + 1);
    if (i >= b.length) return MORE;
    if (b.charCodeAt(i) === 125) {
      this.end = i + 1;
      return out;
    }
    for (;;) {
      if (b.charCodeAt(i) !== 34) return i >= b.length ? MORE : this.fail('expected a field name', i);
      const key = this.str(i);
      if (key === MORE) return MORE;
      i = this.colon(this.end);
      if (i === MORE) return MORE;
      const v = this.value(i);
      if (v === MORE) return MORE;
      setField(out, key, v);
      i = this.skipWs(this.end);
      if (i >= b.length) return MORE;
      const c = b.charCodeAt(i);
      if (c === 125) {
        this.end = i + 1;
        return out;
      }
      if (c !== 44) this.fail('expected "," or "}" in an object', i);
      i = this.skipWs(i + 1);
    }
  }

  /** Past the ':' after a field name ending at `p`, and its whitespace. */
  colon(p: number): number {
    const b = this.buf;
    let i = this.skipWs(p);
    if (i >= b.length) return MORE;
    if (b.charCodeAt(i) !== 58) this.fail('expected ":"', i);
    i = this.skipWs(i + 1);
    return i >= b.length ? MORE : i;
  }

  array(p: number): ReportValue[] | typeof MORE {
    const b = this.buf;
    const out: ReportValue[] = [];
    let i = this.skipWs(p + 1);
    if (i >= b.length) return MORE;
    if (b.charCodeAt(i) === 93) {
      this.end = i + 1;
      return out;
    }
    for (;;) {
      const v = this.value(i);
      if (v === MORE) return MORE;
      out.push(v);
      i = this.skipWs(this.end);
      if (i >= b.length) return MORE;
      const c = b.charCodeAt(i);
      if (c === 93) {
        this.end = i + 1;
        return out;
      }
      if (c !== 44) this.fail('expected "," or "]" in an array', i);
      i = this.skipWs(i + 1);
    }
  }
}
