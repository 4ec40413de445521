// Reads `pinads report … --format json` without a float in sight: every number literal becomes its text before
// JSON.parse, so tests compare the exact digits pinads wrote.

export type ReportRecord = Record<string, string | boolean | null>;
export interface ReportJson {
  rows: ReportRecord[];
  totals: ReportRecord[];
  [meta: string]: unknown;
}

export function parseReportOutput(text: string): ReportJson {
  return JSON.parse(text.replace(/:(-?\d+(?:\.\d+)?)(?=[,}])/g, ':"$1"')) as ReportJson;
}
