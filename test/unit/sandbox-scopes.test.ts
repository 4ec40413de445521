// The sandbox asks each API route for the OAuth scopes Pinterest's spec names for it (its `security` for
// pinterest_oauth2 tokens), so a grant without ads:read fails in the sandbox where it would fail at Pinterest.
import { describe, expect, it } from 'vitest';
import { apiRoutes, requiredScopes } from '../../sandbox/server.ts';
import { spec } from '../helpers/openapi.ts';

describe('sandbox scopes', () => {
  it('requires, route by route, the scopes the spec names for a pinterest_oauth2 token', () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(15);
    for (const { method, template } of routes) {
      const op = spec.paths[template.replace(/^\/v5/, '')]?.[method.toLowerCase()] as
        | { security?: Record<string, string[]>[] }
        | undefined;
      expect(op, `${method} ${template} is not in the spec`).toBeDefined();
      const oauth = op!.security?.find((s) => s.pinterest_oauth2 !== undefined)?.pinterest_oauth2;
      expect([...requiredScopes(template)].sort(), `${method} ${template}`).toEqual(
        [...(oauth ?? [])].sort(),
      );
    }
  });
});
