// Serves the web dashboard (packages/dashboard, built by `npm run build` into its dist/) at `/` and `/assets/...`.
// Only those two routes are registered, so the API, Omaha, payload, provisioning, health and metrics routes are
// never shadowed; the dashboard navigates with URL fragments (`/#/apps/...`) and needs no other path.
import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { sendText } from './respond.js';
import type { RequestContext, Router } from './router.js';

/** Where the built dashboard is: `BALLAST_DASHBOARD_DIR`, else found from the program's or working directory. */
export const DASHBOARD_DIR_ENV = 'BALLAST_DASHBOARD_DIR';

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

// The page loads only its own script and stylesheet and talks only to this server.
const INDEX_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Looks for `packages/dashboard/dist/index.html` above each start directory. */
function findDashboardDir(): string | undefined {
  const fromEnv = process.env[DASHBOARD_DIR_ENV];
  if (fromEnv) return resolve(fromEnv);
  const starts: string[] = [];
  // The bundled CLI (CommonJS) knows its own directory; the ES modules are found through the program's path.
  if (typeof __dirname === 'string') starts.push(__dirname);
  if (process.argv[1]) {
    try {
      starts.push(dirname(realpathSync(process.argv[1])));
    } catch {}
  }
  starts.push(process.cwd());
  for (const start of starts) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      for (const candidate of [
        join(dir, 'packages/dashboard/dist'),
        join(dir, 'node_modules/@ballast/dashboard/dist'),
      ]) {
        if (existsSync(join(candidate, 'index.html'))) return candidate;
      }
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/** Options of {@link registerDashboardRoutes}. */
export interface DashboardRoutesOptions {
  /** The built dashboard (its `dist/`); found as {@link DASHBOARD_DIR_ENV} says when not given. */
  readonly dir?: string;
}

const NOT_BUILT =
  'The Ballast dashboard is not built. Run `npm run build` (or `npm run build -w @ballast/dashboard`) and reload.\n' +
  'The REST API works without it: see /api/openapi.json.\n';

/** Registers `GET /` (the dashboard's page, revalidated each time) and `GET /assets/*` (hashed, cached a year). */
export function registerDashboardRoutes(router: Router, options: DashboardRoutesOptions = {}): void {
  let found = options.dir;
  const dir = () => {
    found ??= findDashboardDir();
    return found;
  };

  router.add('GET', '/', 'public', async (ctx) => {
    const root = dir();
    const body = root === undefined ? undefined : await readFile(join(root, 'index.html')).catch(() => undefined);
    if (body === undefined) {
      sendText(ctx.res, 404, NOT_BUILT);
      return;
    }
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    const headers = { ...INDEX_HEADERS, 'cache-control': 'no-cache', etag };
    if (ctx.req.headers['if-none-match'] === etag) {
      ctx.res.writeHead(304, headers);
      ctx.res.end();
      return;
    }
    ctx.res.writeHead(200, { ...headers, 'content-type': TYPES['.html']!, 'content-length': body.length });
    ctx.res.end(ctx.req.method === 'HEAD' ? undefined : body);
  });

  router.add('GET', '/assets/*path', 'public', (ctx) => serveAsset(ctx, dir()));
}

async function serveAsset(ctx: RequestContext, root: string | undefined): Promise<void> {
  const name = ctx.params.path ?? '';
  // Vite writes assets flat, with a content hash in the name: nothing else is served, and no path can climb out.
  const extension = /\.[a-z0-9]+$/.exec(name)?.[0] ?? '';
  const type = TYPES[extension];
  if (root === undefined || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || type === undefined) {
    sendText(ctx.res, 404, `No dashboard asset ${name}\n`);
    return;
  }
  const path = join(root, 'assets', name);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) {
    sendText(ctx.res, 404, `No dashboard asset ${name}\n`);
    return;
  }
  const body = await readFile(path);
  ctx.res.writeHead(200, {
    'content-type': type,
    'content-length': body.length,
    'cache-control': 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  });
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : body);
}

/** OpenAPI path items of the dashboard's two routes, merged into the server's document. */
export const dashboardOpenApiPaths: Record<string, Record<string, unknown>> = {
  '/': {
    get: {
      summary: 'The web dashboard (packages/dashboard); 404 with a hint when it is not built',
      'x-ballast': true,
      security: [],
      responses: {
        '200': { description: 'The dashboard page', content: { 'text/html': { schema: { type: 'string' } } } },
        '304': { description: 'Not modified (If-None-Match)' },
        '404': { description: 'The dashboard is not built', content: { 'text/plain': { schema: { type: 'string' } } } },
      },
    },
  },
  '/assets/{path}': {
    get: {
      summary: "The dashboard's scripts and stylesheets, named by content hash and cached for a year",
      'x-ballast': true,
      security: [],
      parameters: [{ name: 'path', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': { description: 'The asset' },
        '404': { description: 'No such asset', content: { 'text/plain': { schema: { type: 'string' } } } },
      },
    },
  },
};
