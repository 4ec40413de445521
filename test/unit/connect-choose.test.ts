import { describe, expect, it } from 'vitest';
import { parseChoice } from '../../cli/connect-choose.ts';
import type { AdAccount } from '../../schemas/pinterest.ts';

const accounts = ['111', '222', '333'].map((id) => ({ id, currency: 'USD' }) as AdAccount);
const ids = (a: AdAccount[] | undefined) => a?.map((x) => x.id);

describe('choosing several ad accounts in pinads connect', () => {
  it('takes numbers, ids, mixed separators and "all", in the order given, without repeats', () => {
    expect(ids(parseChoice('1,3', accounts))).toEqual(['111', '333']);
    expect(ids(parseChoice('3 1', accounts))).toEqual(['333', '111']);
    expect(ids(parseChoice('222, 1 ,2', accounts))).toEqual(['222', '111']);
    expect(ids(parseChoice('all', accounts))).toEqual(['111', '222', '333']);
    expect(ids(parseChoice('*', accounts))).toEqual(['111', '222', '333']);
  });

  it('refuses anything it does not understand, so the question is asked again', () => {
    for (const bad of ['', '0', '4', '1,9', 'first', '444'])
      expect(parseChoice(bad, accounts)).toBeUndefined();
  });
});
