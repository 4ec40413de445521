// Targeting values the sandbox's ads deliver to, and the names behind them as GET /v5/resources/targeting/{type}
// serves them. Country values are ISO 3166-1 alpha-2 codes ("US"), region values ISO 3166-2 codes ("US-CA"), the
// codes Pinterest's GEO targeting uses (spec TargetingSpec.GEO: "BE-VOV"). Names follow the spec's sample answer:
// a country by its name ("Greece"), a region as "Country: Region" ("U.S.: Reno").
import { invalid } from './http.ts';

interface Country {
  name: string;
  /** How a region's name begins: the spec's sample writes "U.S.: Reno", "Canada: North Battleford". */
  label: string;
  regions: [code: string, name: string][];
}

export const COUNTRIES: Record<string, Country> = {
  US: {
    name: 'United States',
    label: 'U.S.',
    regions: [
      ['US-CA', 'California'],
      ['US-NY', 'New York'],
      ['US-TX', 'Texas'],
      ['US-WA', 'Washington'],
      ['US-FL', 'Florida'],
    ],
  },
  CA: {
    name: 'Canada',
    label: 'Canada',
    regions: [
      ['CA-ON', 'Ontario'],
      ['CA-QC', 'Quebec'],
      ['CA-BC', 'British Columbia'],
    ],
  },
  GB: {
    name: 'United Kingdom',
    label: 'United Kingdom',
    regions: [
      ['GB-ENG', 'England'],
      ['GB-SCT', 'Scotland'],
      ['GB-WLS', 'Wales'],
    ],
  },
  DE: {
    name: 'Germany',
    label: 'Germany',
    regions: [
      ['DE-BY', 'Bavaria'],
      ['DE-BE', 'Berlin'],
      ['DE-NW', 'North Rhine-Westphalia'],
      ['DE-HH', 'Hamburg'],
    ],
  },
  AT: {
    name: 'Austria',
    label: 'Austria',
    regions: [
      ['AT-9', 'Vienna'],
      ['AT-6', 'Styria'],
    ],
  },
  CH: {
    name: 'Switzerland',
    label: 'Switzerland',
    regions: [
      ['CH-ZH', 'Zürich'],
      ['CH-GE', 'Geneva'],
    ],
  },
  FR: {
    name: 'France',
    label: 'France',
    regions: [
      ['FR-IDF', 'Île-de-France'],
      ['FR-ARA', 'Auvergne-Rhône-Alpes'],
    ],
  },
  JP: {
    name: 'Japan',
    label: 'Japan',
    regions: [
      ['JP-13', 'Tokyo'],
      ['JP-27', 'Osaka'],
      ['JP-01', 'Hokkaido'],
    ],
  },
  AU: {
    name: 'Australia',
    label: 'Australia',
    regions: [
      ['AU-NSW', 'New South Wales'],
      ['AU-VIC', 'Victoria'],
    ],
  },
  BR: {
    name: 'Brazil',
    label: 'Brazil',
    regions: [
      ['BR-SP', 'São Paulo'],
      ['BR-RJ', 'Rio de Janeiro'],
    ],
  },
  IN: {
    name: 'India',
    label: 'India',
    regions: [
      ['IN-MH', 'Maharashtra'],
      ['IN-KA', 'Karnataka'],
    ],
  },
};

/** The countries an ad group of an account in `home` may add to its home country. */
export const NEIGHBOURS: Record<string, string[]> = {
  US: ['CA', 'GB'],
  CA: ['US'],
  GB: ['US', 'CA'],
  DE: ['AT', 'CH'],
  FR: ['DE', 'GB'],
  JP: [],
  AU: ['GB'],
  BR: [],
  IN: ['GB'],
};

export const AGE_BUCKETS = ['18-24', '25-34', '35-44', '45-49', '50-54', '55-64', '65+'];
export const GENDERS = ['female', 'male', 'unknown'];
export const APPTYPES = ['iphone', 'ipad', 'android_mobile', 'android_tablet', 'web', 'web_mobile'];

/** The spec's PublicTargetingType: the path values GET /v5/resources/targeting/{targeting_type} accepts. */
const PUBLIC_TARGETING_TYPES = [
  'APPTYPE',
  'GENDER',
  'LOCALE',
  'AGE_BUCKET',
  'LOCATION',
  'GEO',
  'INTEREST',
  'KEYWORD',
  'AUDIENCE_INCLUDE',
  'AUDIENCE_EXCLUDE',
];

const APPTYPE_NAMES: Record<string, string> = {
  iphone: 'iPhone',
  ipad: 'iPad',
  android_mobile: 'Android Mobile',
  android_tablet: 'Android Tablet',
  web: 'Web',
  web_mobile: 'Mobile Web',
};

/** Countries by name, then every region as "Country: Region"; the one object the GEO answer holds. */
function geoNames(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [code, c] of Object.entries(COUNTRIES)) out[code] = c.name;
  for (const c of Object.values(COUNTRIES))
    for (const [code, name] of c.regions) out[code] = `${c.label}: ${name}`;
  return out;
}

/**
 * GET /v5/resources/targeting/{targeting_type} (TargetingOptionResponse: an array of objects mapping value to
 * name). COUNTRY and REGION are report breakdowns, not public targeting types: their names come from GEO.
 */
export function targetingOptions(type: string): Record<string, string>[] {
  if (!PUBLIC_TARGETING_TYPES.includes(type))
    throw invalid(`targeting_type "${type}" is not one of ${PUBLIC_TARGETING_TYPES.join(', ')}.`);
  switch (type) {
    case 'GEO':
      return [geoNames()];
    case 'LOCATION': {
      const metros = { '501': 'U.S.: New York', '803': 'U.S.: Los Angeles', '819': 'U.S.: Seattle-Tacoma' };
      return [{ ...Object.fromEntries(Object.entries(COUNTRIES).map(([k, c]) => [k, c.name])), ...metros }];
    }
    case 'APPTYPE':
      return [APPTYPE_NAMES];
    case 'GENDER':
      return [{ female: 'Female', male: 'Male', unknown: 'Unknown' }];
    case 'AGE_BUCKET':
      return [Object.fromEntries(AGE_BUCKETS.map((a) => [a, a]))];
    case 'LOCALE':
      return [
        { 'en-US': 'English (US)', 'en-GB': 'English (UK)', de: 'German', fr: 'French', ja: 'Japanese' },
      ];
    case 'INTEREST':
      return [
        { '935541271955': 'Home decor', '918530398158': 'Outdoors', '955010619052': 'Food and drinks' },
      ];
    default:
      return [];
  }
}
