// Audits one ad's destination URL against the seed's tracking template and proposes the URL to paste instead.
import {
  appendTracking,
  decodeComponent,
  InvalidUrlError,
  querySegments,
  splitSegment,
  splitUrl,
  TEMPLATE_PARAMS,
} from './template.ts';

export interface AuditTarget {
  adId: string;
  campaignId: string | null;
}

export interface UrlAudit {
  /** Human-readable, one per defect, e.g. `missing cvg_adid` or `cvg_source=facebook (expected pinterest)`. */
  problems: string[];
  /** The URL with the template applied; null when there is no usable URL to fix. */
  fixedUrl: string | null;
}

/** Macros that stand for an entity id: the concrete id is as good as the macro Pinterest would fill in. */
const ID_MACROS: Record<string, (t: AuditTarget) => string | null> = {
  '{adid}': (t) => t.adId,
  '{campaignid}': (t) => t.campaignId,
};

/** Macros for names: any non-empty value is accepted, because advertisers often hard-code a readable name. */
const NAME_MACROS = new Set(['{campaign_name}', '{adgroupname}']);

/**
 * Lists what is wrong with `url` for the tracking template: missing parameters, wrong values, duplicates, braces
 * that were percent-encoded (Pinterest then cannot fill the macro). A URL with no problems is its own fixedUrl.
 */
export function auditUrl(url: string | null | undefined, target: AuditTarget): UrlAudit {
  if (url === null || url === undefined || url.trim() === '') {
    return { problems: ['missing destination URL'], fixedUrl: null };
  }
  let query: string | null;
  try {
    query = splitUrl(url).query;
  } catch (err) {
    if (err instanceof InvalidUrlError)
      return { problems: [`destination URL: ${err.message}`], fixedUrl: null };
    throw err;
  }

  const values = new Map<string, string[]>();
  for (const segment of querySegments(query)) {
    const { key, value } = splitSegment(segment);
    const k = decodeComponent(key);
    values.set(k, [...(values.get(k) ?? []), value]);
  }

  const problems: string[] = [];
  for (const { key, value: expected } of TEMPLATE_PARAMS) {
    const found = values.get(key);
    if (found === undefined) {
      problems.push(`missing ${key}`);
      continue;
    }
    if (found.length > 1) problems.push(`${key} appears ${found.length} times`);
    for (const raw of new Set(found)) {
      const problem = checkValue(key, raw, expected, target);
      if (problem !== null) problems.push(problem);
    }
  }
  return { problems, fixedUrl: problems.length === 0 ? url.trim() : appendTracking(url) };
}

/** One parameter value against its template value; null when acceptable. */
function checkValue(key: string, raw: string, expected: string, target: AuditTarget): string | null {
  if (raw === expected) return null;
  const value = decodeComponent(raw);
  if (value === expected) return `${key}=${raw} (braces must stay literal: ${expected})`;

  const idOf = ID_MACROS[expected];
  if (idOf !== undefined) {
    const id = idOf(target);
    if (id !== null && value === id) return null;
    return `${key}=${raw} (expected ${expected}${id === null ? '' : ` or ${id}`})`;
  }
  if (NAME_MACROS.has(expected)) {
    return value.trim() === '' ? `${key} is empty (expected ${expected} or a name)` : null;
  }
  return `${key}=${raw} (expected ${expected})`;
}
