-- Two schemas: pinterest_ads holds the data users query; pinads holds the connector's own control plane.
CREATE SCHEMA IF NOT EXISTS pinterest_ads;
CREATE SCHEMA IF NOT EXISTS pinads;
