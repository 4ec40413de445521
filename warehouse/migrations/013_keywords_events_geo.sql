-- The entities behind the daily extra reports (#17): keywords, advertiser-defined conversion events, and the names
-- behind the COUNTRY and REGION targeting values. Like the other entity tables they are upserted by key and keep
-- the raw API object; nothing is deleted, so a keyword or event that vanishes from the API keeps its row and its
-- synced_at stops moving. IDs are text (Pinterest IDs reach 19 digits).

-- Keywords of every parent: the ad account ('advertiser' keywords, negative only), a campaign (negative only) or an
-- ad group. campaign_id is the parent campaign, or the campaign of the parent ad group; ad_group_id is set only for
-- ad-group keywords. parent_type is Pinterest's own word for the parent.
CREATE TABLE pinterest_ads.keywords (
  id text PRIMARY KEY,
  ad_account_id text NOT NULL,
  campaign_id text,
  ad_group_id text,
  parent_type text,
  parent_id text,
  value text NOT NULL,
  -- BROAD, PHRASE, EXACT, EXACT_NEGATIVE or PHRASE_NEGATIVE; Pinterest may send null.
  match_type text,
  archived boolean,
  synced_at timestamptz NOT NULL DEFAULT now(),
  raw jsonb NOT NULL
);
CREATE INDEX keywords_ad_account_idx ON pinterest_ads.keywords (ad_account_id);
CREATE INDEX keywords_ad_group_idx ON pinterest_ads.keywords (ad_group_id);

-- Advertiser-defined events (GET /v5/ad_accounts/{id}/advertiser_defined_events), the names
-- custom_conversion_event_metrics reports on.
CREATE TABLE pinterest_ads.conversion_events (
  ad_account_id text NOT NULL,
  name text NOT NULL,
  -- The standard type Pinterest maps the event to (PAGE_VISIT, SIGNUP, CHECKOUT, LEAD, ...), or NULL.
  mapped_conversion_type text,
  synced_at timestamptz NOT NULL DEFAULT now(),
  raw jsonb NOT NULL,
  PRIMARY KEY (ad_account_id, name)
);

-- Names of the COUNTRY targeting values (ISO 3166-1 alpha-2, e.g. 'US') and REGION values (ISO 3166-2, e.g.
-- 'US-CA'), from GET /v5/resources/targeting/GEO. The same for every account: synced rarely, once per fleet.
CREATE TABLE pinterest_ads.geo_countries (
  country_id text PRIMARY KEY,
  country_name text NOT NULL,
  synced_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE pinterest_ads.geo_regions (
  region_id text PRIMARY KEY,
  -- The country part of the region code ('US' of 'US-CA'), as Fivetran's targeting_geo_region has it.
  country_id text NOT NULL,
  region_name text NOT NULL,
  synced_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX geo_regions_country_idx ON pinterest_ads.geo_regions (country_id);
