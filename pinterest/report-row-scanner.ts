// Report rows off the JSON scanner: the hot path of a load. Pinterest writes a report's columns in one fixed order
// and leaves out the zero ones, so rows differ in which names they have (hundreds of combinations in a file) but not
// in their order. Rows are built over the union of the names seen so far, so they share one hidden class.
import { objectMaker } from '../common/object-maker.ts';
import { JsonScanner, MORE, type ReportValue, setField } from './report-json.ts';

/** Bounds the known names (and the look-ahead per name) on a file whose rows are not alike. */
const MAX_KNOWN_KEYS = 64;

/** A name the row constructor may hold: compared as raw text (no escapes), and never one that sets a prototype. */
const learnable = (key: string) => !key.includes('\\') && !key.includes('"') && key !== '__proto__';

type MakeRow = (values: (ReportValue | undefined)[]) => Record<string, ReportValue>;

export class RowScanner extends JsonScanner {
  /**
   * The rows' field names, in the order rows carry them, and the raw text each matches (name plus closing quote).
   * Pinterest writes a report's columns in one fixed order and leaves out the zero ones, so rows differ in which
   * names they have (hundreds of combinations in a file) but not in their order: this is the union, and a row's
   * next name is looked for from its previous one on.
   */
  keys: string[] = [];
  keyText: string[] = [];
  /** Builds a row from its values in `keys` order; rebuilt when a name is learnt. */
  maker: MakeRow | null = null;

  /**
   * One report row, whose `{` is at `p`; sets `end`. The hot path. A row whose names are all known is built by one
   * constructor over `keys`, so every row of a file shares one hidden class, whatever zeros it leaves out (with a
   * shape per combination, building rows and reading their cells cost a third more). A known name the row lacks is
   * then an own property holding undefined, which every reader of rows treats as absent, as JSON has no undefined.
   * A row with a new name is built field by field, and the name learnt once the row is complete.
   */
  row(p: number): Record<string, ReportValue> | typeof MORE {
    const b = this.buf;
    let i = this.skipWs(p + 1);
    if (i >= b.length) return MORE;
    if (b.charCodeAt(i) === 125) {
      this.end = i + 1;
      return {};
    }
    const { keys, keyText } = this;
    const values: (ReportValue | undefined)[] = new Array(keys.length);
    /** Set once the row has a name not in `keys`: the row built field by field from there on. */
    let out: Record<string, ReportValue> | null = null;
    /** New names and where in `keys` they go. */
    let learnt: [at: number, key: string][] | null = null;
    // Where in `keys` the row's next name is looked for first.
    let next = 0;
    for (;;) {
      if (b.charCodeAt(i) !== 34) return i >= b.length ? MORE : this.fail('expected a field name', i);
      // A known name is compared in place: no slice, no re-internalizing the property name.
      let at = next;
      while (at < keys.length && !b.startsWith(keyText[at]!, i + 1)) at++;
      if (at === keys.length) {
        at = 0;
        while (at < next && !b.startsWith(keyText[at]!, i + 1)) at++;
        if (at === next) at = -1;
      }
      let key = '';
      if (at >= 0) {
        this.end = i + 1 + keyText[at]!.length;
        next = at + 1;
      } else {
        const k = this.str(i);
        if (k === MORE) return MORE;
        key = k;
        out ??= this.partial(values);
        if (learnable(key) && keys.length + (learnt?.length ?? 0) < MAX_KNOWN_KEYS) {
          learnt ??= [];
          learnt.push([next, key]);
        }
      }
      i = this.colon(this.end);
      if (i === MORE) return MORE;
      const v = this.value(i);
      if (v === MORE) return MORE;
      if (at < 0) setField(out!, key, v);
      else if (out === null) values[at] = v;
      else out[keys[at]!] = v;
      i = this.skipWs(this.end);
      if (i >= b.length) return MORE;
      const c = b.charCodeAt(i);
      if (c === 125) {
        this.end = i + 1;
        if (learnt !== null) this.learn(learnt);
        if (out !== null) return out;
        this.maker ??= objectMaker<ReportValue | undefined>(keys) as MakeRow;
        return this.maker(values);
      }
      if (c !== 44) this.fail('expected "," or "}" in an object', i);
      i = this.skipWs(i + 1);
    }
  }

  /** The known fields a row had before its first new name, as a plain object. */
  private partial(values: (ReportValue | undefined)[]): Record<string, ReportValue> {
    const out: Record<string, ReportValue> = {};
    values.forEach((v, j) => {
      if (v !== undefined) out[this.keys[j]!] = v;
    });
    return out;
  }

  /** Adds a complete row's new names to `keys`, each where the row had it (the last first, so positions hold). */
  private learn(learnt: [at: number, key: string][]): void {
    for (let j = learnt.length - 1; j >= 0; j--) {
      const [at, slice] = learnt[j]!;
      if (this.keys.includes(slice)) continue;
      // A copy: a name sliced from the downloaded text would keep that whole chunk alive for the file's duration.
      const key = Buffer.from(slice).toString();
      this.keys.splice(at, 0, key);
      this.keyText.splice(at, 0, `${key}"`);
    }
    this.maker = null;
  }
}
