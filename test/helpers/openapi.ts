// Pinterest's official OpenAPI spec (5.23), vendored in test/fixtures/pinterest-openapi (MIT, Pinterest's LICENSE
// beside it), for conformance tests: validating values against its schemas with ajv, and finding the operation of a
// concrete request. Vendored so that conformance runs in every checkout, never skipped for want of the file.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsPlugin, { type FormatsPlugin } from 'ajv-formats';

/** github.com/pinterest/api-description, v5/openapi.json at tag v5.23.0 (commit c05b1897), gzipped. */
const SPEC_FILE = new URL('../fixtures/pinterest-openapi/openapi-5.23.0.json.gz', import.meta.url);

export type Schema = Record<string, unknown>;
export interface Operation {
  operationId: string;
  parameters?: Schema[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, Schema>>;
}

export const spec: Spec = JSON.parse(gunzipSync(readFileSync(SPEC_FILE)).toString('utf8'));
const ajv = new Ajv({ strict: false, allErrors: true });
// ajv-formats is CommonJS: under NodeNext its default import is the module object, whose `default` is the plugin.
const addFormats = (formatsPlugin as unknown as { default: FormatsPlugin }).default;
addFormats(ajv);
for (const f of ['int32', 'int64', 'float', 'double']) ajv.addFormat(f, true);
// Component refs resolve inside this one document (`spec#/components/...`).
ajv.addSchema({ $id: 'spec', components: toJsonSchema(spec.components) } as Schema);

export function deref(s: Schema): Schema {
  let out = s;
  while (typeof out.$ref === 'string') {
    const [kind, name] = (out.$ref as string).replace('#/components/', '').split('/') as [string, string];
    out = spec.components[kind]![name]!;
  }
  return out;
}

const compiled = new Map<string, ValidateFunction>();

/** A validator for a schema fragment, with its `#/components/...` refs resolved inside the spec (compiled once). */
function compile(s: Schema): ValidateFunction {
  const key = JSON.stringify(s);
  let v = compiled.get(key);
  if (!v) {
    v = ajv.compile(toJsonSchema(s) as Schema);
    compiled.set(key, v);
  }
  return v;
}
/**
 * OpenAPI 3.0 → JSON Schema: `nullable: true` becomes `anyOf [null, schema]`. (Ajv's own `nullable` keyword
 * only widens `type`, so a nullable `allOf: [$ref]`, as on AdGroup.optimization_goal_metadata, would reject null.)
 */
function toJsonSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(toJsonSchema);
  if (!s || typeof s !== 'object') return s;
  const { nullable, ...rest } = s as Schema;
  const out = Object.fromEntries(
    Object.entries(rest).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `spec${v}` : toJsonSchema(v),
    ]),
  );
  return nullable === true ? { anyOf: [{ type: 'null' }, out] } : out;
}

/** Validates against a schema and, where it has a discriminator, against the mapped variant too. */
export function validate(s: Schema, value: unknown): string[] {
  const errors: string[] = [];
  const v = compile(s);
  if (!v(value)) errors.push(ajv.errorsText(v.errors));
  const d = deref(s).discriminator as { propertyName: string; mapping: Record<string, string> } | undefined;
  const chosen =
    d && value && typeof value === 'object'
      ? d.mapping[String((value as Schema)[d.propertyName])]
      : undefined;
  if (chosen) errors.push(...validate({ $ref: chosen }, value));
  return errors;
}

/** Every property name a schema allows, through refs, allOf/oneOf/anyOf and the chosen discriminator variant. */
export function properties(s: Schema, value?: Schema): Set<string> | 'any' {
  const r = deref(s);
  const out = new Set<string>(Object.keys((r.properties as Schema) ?? {}));
  if (r.additionalProperties === true) return 'any';
  for (const k of ['allOf', 'oneOf', 'anyOf']) {
    for (const sub of (r[k] as Schema[]) ?? []) {
      const p = properties(sub, value);
      if (p === 'any') return 'any';
      for (const x of p) out.add(x);
    }
  }
  const d = r.discriminator as { propertyName: string; mapping: Record<string, string> } | undefined;
  const chosen = d && value ? d.mapping[String(value[d.propertyName])] : undefined;
  if (chosen) {
    const p = properties({ $ref: chosen }, value);
    if (p === 'any') return 'any';
    for (const x of p) out.add(x);
  }
  return out;
}

/** The spec operation for a concrete request path like /v5/ad_accounts/123/reports. */
export function operation(method: string, path: string): { template: string; op: Operation } {
  const rel = path.replace(/^\/v5/, '');
  for (const [template, ops] of Object.entries(spec.paths)) {
    const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const op = ops[method.toLowerCase()];
    if (re.test(rel) && op) return { template, op };
  }
  throw new Error(`no spec operation for ${method} ${path}`);
}

export function responseSchema(method: string, path: string, status: number): Schema {
  const { op } = operation(method, path);
  const r = op.responses[String(status)] ?? op.responses.default;
  const schema = r?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`spec has no JSON schema for ${status} of ${op.operationId}`);
  return schema;
}
