// The sandbox's three fixed advertisers (USD in Los Angeles, EUR in Berlin, JPY in Tokyo) and the benchmark account:
// currency, zone, price ranges and how many campaigns, ad groups and ads each has. data.ts builds them from the seed.

/** One advertiser's make-up. */
export interface Shape {
  key: string;
  name: string;
  currency: string;
  country: string;
  time_zone: string;
  unitMicro: number;
  cpm: [number, number];
  orderValue: [number, number];
  campaigns: number;
  groupsPerCampaign: number;
  adsPerGroup: number;
}

export const SHAPES: Shape[] = [
  // 13 × 3 × 8 = 312 ads: more than one page of 250.
  {
    key: 'us',
    name: 'Sandbox Outdoor US',
    currency: 'USD',
    country: 'US',
    time_zone: 'America/Los_Angeles',
    unitMicro: 1,
    cpm: [2_000_000, 12_000_000],
    orderValue: [15_000_000, 250_000_000],
    campaigns: 13,
    groupsPerCampaign: 3,
    adsPerGroup: 8,
  },
  {
    key: 'de',
    name: 'Sandbox Wohnen DE',
    currency: 'EUR',
    country: 'DE',
    time_zone: 'Europe/Berlin',
    unitMicro: 1,
    cpm: [1_500_000, 9_000_000],
    orderValue: [12_000_000, 180_000_000],
    campaigns: 5,
    groupsPerCampaign: 2,
    adsPerGroup: 4,
  },
  {
    key: 'jp',
    name: 'Sandbox Kitchen JP',
    currency: 'JPY',
    country: 'JP',
    time_zone: 'Asia/Tokyo',
    unitMicro: 1_000_000,
    cpm: [300, 1_500],
    orderValue: [2_000, 30_000],
    campaigns: 4,
    groupsPerCampaign: 2,
    adsPerGroup: 4,
  },
];

export const BENCH: Omit<Shape, 'campaigns'> = {
  key: 'bench',
  name: 'Sandbox Bench',
  currency: 'USD',
  country: 'US',
  time_zone: 'UTC',
  unitMicro: 1,
  cpm: [2_000_000, 12_000_000],
  orderValue: [15_000_000, 250_000_000],
  groupsPerCampaign: 2,
  adsPerGroup: 50,
};
