import { describe, expect, it } from 'vitest';
import { silentLogger } from './http/logger.js';
import { createServerMetrics } from './metrics/server-metrics.js';
import { openApiDocument } from './openapi.js';
import { buildRouter } from './server.js';
import { openSqliteStore, systemClock } from './store/index.js';

/** `/api/apps/:appId/x/*path` as OpenAPI writes it: `/api/apps/{appId}/x/{path}`. */
function openApiPath(pattern: string): string {
  return pattern.replace(/[:*]([A-Za-z]+)/g, '{$1}');
}

describe('OpenAPI document', () => {
  it('describes exactly the routes the server has, with their path parameters', async () => {
    const store = await openSqliteStore(':memory:');
    try {
      const router = buildRouter({
        store,
        clock: systemClock,
        log: silentLogger,
        metrics: createServerMetrics({ store: () => store }),
        payloadsDir: '/tmp/unused',
      });
      const served = router
        .routes()
        .map((route) => `${route.method} ${openApiPath(route.pattern)}`)
        .sort();
      const paths = openApiDocument.paths as Record<
        string,
        Record<string, { parameters?: { in: string; name: string }[] }>
      >;
      const documented = Object.entries(paths)
        .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
        .sort();
      expect(documented).toEqual(served);
      for (const [path, operations] of Object.entries(paths)) {
        const names = [...path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]);
        for (const operation of Object.values(operations)) {
          const declared = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
          expect(declared, path).toEqual(names);
        }
      }
    } finally {
      await store.close();
    }
  });

  it('marks public and protected routes as the router does', async () => {
    const store = await openSqliteStore(':memory:');
    try {
      const router = buildRouter({
        store,
        clock: systemClock,
        log: silentLogger,
        metrics: createServerMetrics({ store: () => store }),
        payloadsDir: '/tmp/unused',
      });
      const paths = openApiDocument.paths as Record<string, Record<string, { security?: unknown[] }>>;
      for (const route of router.routes()) {
        const operation = paths[openApiPath(route.pattern)]![route.method.toLowerCase()]!;
        expect(operation.security === undefined ? 'protected' : 'public', `${route.method} ${route.pattern}`).toBe(
          route.access === 'public' ? 'public' : 'protected',
        );
      }
    } finally {
      await store.close();
    }
  });

  it('resolves every schema reference', () => {
    const text = JSON.stringify(openApiDocument);
    const schemas = openApiDocument.components.schemas as Record<string, unknown>;
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([A-Za-z]+)"/g))
      expect(schemas).toHaveProperty(name!);
  });
});
