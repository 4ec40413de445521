// The restatement ledger's exact sum of conversion counts (warehouse/pull-record.ts DecimalSum).
import { describe, expect, it } from 'vitest';
import { DecimalSum } from '../../warehouse/pull-record.ts';

const sum = (...texts: string[]) => {
  const s = new DecimalSum();
  for (const t of texts) s.add(t);
  return s.toString();
};

describe('DecimalSum', () => {
  it.each([
    [[], '0'],
    [['0', '0'], '0'],
    [['1', '2', '3'], '6'],
    [['1.5', '2'], '3.5'],
    [['2', '1.25', '0.005'], '3.255'],
    [['0.1', '0.2'], '0.3'],
    [['0.001'], '0.001'],
    [['9223372036854775807', '1'], '9223372036854775808'],
    [['007', '1.10'], '8.10'],
  ])('%j → %s', (texts, want) => {
    expect(sum(...texts)).toBe(want);
  });
});
