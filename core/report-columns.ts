// The columns of each report `pinads report` prints (and the dashboard's CSVs), in order, with the kind that decides
// how each value is written (core/report-format.ts). is_final is a column in csv and json; tables show it as a
// marker on the row instead (core/reports.ts).
import type { Column, ColumnKind } from './report-format.ts';

const columns = (...spec: [string, ColumnKind][]): Column[] => spec.map(([key, kind]) => ({ key, kind }));

// biome-ignore format: one column per pair reads best on a line
export const OVERVIEW_COLUMNS = columns(
  ['date', 'text'], ['currency', 'text'], ['spend', 'money'], ['impressions', 'int'], ['clicks', 'int'],
  ['ctr', 'percent'], ['cpc', 'money'], ['cpm', 'money'], ['conversions', 'count'], ['revenue', 'money'],
  ['cpa', 'money'], ['roas', 'ratio'], ['is_final', 'bool'],
);
// biome-ignore format: as above
export const CHANNELS_COLUMNS = columns(
  ['entity_id', 'text'], ['entity_name', 'text'], ['currency', 'text'], ['purchases', 'count'],
  ['revenue', 'money'], ['roas', 'ratio'], ['cpa', 'money'], ['spend', 'money'], ['is_final', 'bool'],
);
// biome-ignore format: as above
const EXTRA_MEASURES: [string, ColumnKind][] = [
  ['currency', 'text'], ['spend', 'money'], ['impressions', 'int'], ['clicks', 'int'], ['ctr', 'percent'],
  ['cpc', 'money'], ['conversions', 'count'], ['revenue', 'money'], ['cpa', 'money'], ['roas', 'ratio'],
  ['is_final', 'bool'],
];
export const BREAKDOWN_COLUMNS = columns(['value', 'text'], ['name', 'text'], ...EXTRA_MEASURES);
export const KEYWORD_COLUMNS = columns(
  ['keyword_id', 'text'],
  ['keyword', 'text'],
  ['match_type', 'text'],
  ...EXTRA_MEASURES,
);
