// GEO targeting options split into the names of countries and regions: ISO 3166-1 and 3166-2 codes only.
import { describe, expect, it } from 'vitest';
import { splitGeoNames } from '../../pinterest/extra-entities.ts';

describe('splitGeoNames', () => {
  it('keeps countries and regions (with their country) and leaves postal codes and metro ids out', () => {
    const names = splitGeoNames([
      { US: 'United States', 'US-CA': 'U.S.: California', 'US-94107': 'U.S.: 94107', '811': 'U.S.: Reno' },
      { 'AT-9': 'Austria: Vienna', 'GB-ENG': 'United Kingdom: England', GR: 'Greece' },
    ]);
    expect(names.countries).toEqual({ US: 'United States', GR: 'Greece' });
    expect(names.regions).toEqual({
      'US-CA': { countryId: 'US', name: 'U.S.: California' },
      'AT-9': { countryId: 'AT', name: 'Austria: Vienna' },
      'GB-ENG': { countryId: 'GB', name: 'United Kingdom: England' },
    });
  });

  it('reads a null answer (the spec allows it) as no names', () => {
    expect(splitGeoNames(null)).toEqual({ countries: {}, regions: {} });
  });
});
