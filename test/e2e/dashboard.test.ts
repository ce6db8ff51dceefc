// The dashboard end to end: a real `ballast server` process seeded through its REST API and with update_engine's own
// request documents, and Debian's Chromium driven by playwright-core signing in, reading the fleet, pausing and
// resuming a group, and filtering its instances. All traffic stays on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, FLATCAR_APP, publishToStable, type ServerProcess, startServerProcess } from './server-harness.js';

const root = new URL('../../', import.meta.url).pathname;
const dashboard = join(root, 'packages/dashboard');
const fixtures = join(root, 'packages/omaha/test/fixtures/update-engine');
const CHROMIUM = '/usr/bin/chromium';

function newest(dir: string): number {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return time;
}

/** Builds the dashboard with Vite when a source is newer than its dist/. */
function buildDashboard(): void {
  const index = join(dashboard, 'dist/index.html');
  const sources = Math.max(newest(join(dashboard, 'src')), statSync(join(dashboard, 'index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: dashboard,
    stdio: 'pipe',
  });
}

/** update_engine's request `fixture` as machine `machineId` running `version` would send it. */
function omaha(fixture: string, machine: { id: string; version: string }): string {
  return readFileSync(join(fixtures, fixture), 'utf8')
    .replaceAll('83ab5976451549a1afede31db82fd215', machine.id)
    .replaceAll('1632.3.0', machine.version);
}

async function post(server: ServerProcess, fixture: string, machine: { id: string; version: string }) {
  const answer = await call(server, '/v1/update/', { method: 'POST', body: omaha(fixture, machine) });
  expect(answer.status).toBe(200);
  return answer.text;
}

const OLD = '1632.3.0';
const NEW = '1688.5.3';
const machines = [
  { id: 'a0000000000000000000000000000001', version: OLD, alias: 'web-1' },
  { id: 'a0000000000000000000000000000002', version: OLD, alias: 'web-2' },
  { id: 'a0000000000000000000000000000003', version: OLD, alias: 'db-1' },
  { id: 'a0000000000000000000000000000004', version: NEW, alias: 'db-2' },
  { id: 'a0000000000000000000000000000005', version: NEW, alias: '' },
];

let dir: string;
let server: ServerProcess;
let admin: string;
let viewer: string;
let groupId: string;
let haltReason: string;
let browser: BrowserContext;
const pageErrors: string[] = [];

async function open(path = '/'): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    // Signing in asks without a token first (to find --auth none), and a viewer's role shows as a 403: expected.
    const expected = /^Failed to load resource: the server responded with a status of 40[13] /;
    if (message.type() === 'error' && !expected.test(message.text())) pageErrors.push(message.text());
  });
  await page.goto(`${server.url}${path}`);
  return page;
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Fleet', level: 1 }).waitFor();
}

beforeAll(async () => {
  buildDashboard();
  dir = mkdtempSync(join(tmpdir(), 'ballast-dashboard-'));
  server = await startServerProcess(['--db', `sqlite:${join(dir, 'ballast.db')}`]);
  admin = server.token!;
  const created = await call(server, '/api/tokens', {
    method: 'POST',
    token: admin,
    json: { name: 'ui', role: 'viewer' },
  });
  viewer = created.json().token;

  // Two updates per hour: two of the three old machines are granted 1688.5.3, the third is put on hold.
  ({ groupId } = await publishToStable(server, admin, {
    version: NEW,
    policy: {
      policy_max_updates_per_period: 2,
      policy_period_interval: '1 hours',
      policy_safe_mode: false,
      failure_halt_threshold: 0.5,
    },
  }));
  for (const machine of machines) {
    await post(server, 'update-check.xml', machine);
    if (machine.alias) {
      const named = await call(server, `/api/instances/${machine.id}`, {
        method: 'PUT',
        token: admin,
        json: { alias: machine.alias },
      });
      expect(named.status).toBe(200);
    }
  }
  // web-1 downloads the update; web-2 fails (update_engine's error event): 1 of 2 granted failed, the group halts.
  await post(server, 'download-started.xml', machines[0]!);
  await post(server, 'error-event.xml', machines[1]!);
  const halted = (await call(server, `/api/apps/${FLATCAR_APP}/groups/${groupId}`, { token: admin })).json();
  expect(halted.policy_updates_enabled).toBe(false);
  haltReason = halted.paused_reason;
  expect(haltReason).toMatch(/^Failure halt: 1 of 2 updates to 1688\.5\.3 failed/);

  browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1200, height: 900 },
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('dashboard: served by ballast server', () => {
  it('serves the page at / and its hashed assets under /assets/, and shadows no other route', async () => {
    const index = await call(server, '/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const etag = index.headers.get('etag')!;
    expect((await call(server, '/', { headers: { 'if-none-match': etag } })).status).toBe(304);

    const script = /src="\.\/assets\/([^"]+\.js)"/.exec(index.text)![1]!;
    const style = /href="\.\/assets\/([^"]+\.css)"/.exec(index.text)![1]!;
    const js = await call(server, `/assets/${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await call(server, `/assets/${style}`)).headers.get('content-type')).toBe('text/css; charset=utf-8');

    for (const path of [
      '/assets/..%2F..%2Fpackage.json',
      '/assets/../index.html',
      '/assets/nope.js',
      '/assets/a/b.js',
    ]) {
      expect((await call(server, path)).status).toBe(404);
    }
    const unknownApi = await call(server, '/api/nope', { token: admin });
    expect([unknownApi.status, unknownApi.json().error]).toEqual([404, 'NOT_FOUND']);
    expect((await call(server, '/health')).json()).toMatchObject({ status: 'ok' });
    expect((await call(server, '/metrics')).text).toContain('ballast_rollout_instances');
    expect((await call(server, '/api/openapi.json')).json()).toHaveProperty('openapi');
  });
});

describe('dashboard: in Chromium', () => {
  it('refuses a wrong token with a clear message, then signs in as admin and shows the fleet', async () => {
    const page = await open();
    await page.getByLabel('API token').fill('ballast_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(
      page.getByRole('alert').filter({ hasText: 'did not accept this token' }).textContent(),
    ).resolves.toMatch(/did not accept this token/);
    await signIn(page, admin);
    expect(await page.locator('.session .role').textContent()).toBe('Admin');

    const row = page.locator(`tr[data-group-id="${groupId}"]`);
    expect(await row.locator('th a').textContent()).toBe('Stable (AMD64)');
    expect(await row.textContent()).toContain(`stable (amd64) → ${NEW}`);
    const counts = await row.locator('.rollout').textContent();
    expect(counts).toContain(NEW);
    expect(counts).toMatch(/2\s+granted/);
    expect(counts).toMatch(/1\s+in progress/);
    expect(counts).toMatch(/1\s+failed/);
    expect(await row.locator('.state').textContent()).toBe(`Paused: ${haltReason}`);
    expect(await row.getByRole('button', { name: 'Resume group Stable (AMD64)' }).isVisible()).toBe(true);
    if (process.env.DASHBOARD_SCREENSHOTS) {
      await page.screenshot({ path: join(process.env.DASHBOARD_SCREENSHOTS, 'dashboard-fleet.png'), fullPage: true });
    }
    await page.close();
  });

  it('shows a group: instance counts per version, pause and resume, filters, an instance history', async () => {
    const page = await open('/');
    await page.getByRole('heading', { name: 'Fleet', level: 1 }).waitFor();
    await page.locator(`tr[data-group-id="${groupId}"] th a`).click();
    await page.getByRole('heading', { name: 'Stable (AMD64)', level: 1 }).waitFor();

    const breakdown = page.locator('table.breakdown tbody tr');
    await breakdown.first().waitFor();
    const rows = await breakdown.evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.children).map((cell) => (cell.textContent ?? '').trim())),
    );
    expect(rows).toEqual([
      [NEW, '2', '40%'],
      [OLD, '3', '60%'],
    ]);

    // Pause: the server's group has its updates disabled; Resume turns them on again.
    // The failure halt says why; Resume (by keyboard: the buttons are real buttons) lifts it.
    expect(await page.locator('.group-head .state').textContent()).toContain(haltReason);
    await page.getByRole('button', { name: 'Resume group Stable (AMD64)' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Pause group Stable (AMD64)' }).waitFor();
    expect(await page.locator('.group-head .state').textContent()).toBe('Updates enabled');

    await page.getByRole('button', { name: 'Pause group Stable (AMD64)' }).click();
    await page.getByRole('button', { name: 'Resume group Stable (AMD64)' }).waitFor();
    expect(await page.locator('.group-head .state').textContent()).toContain('Paused');
    let group = (await call(server, `/api/apps/${FLATCAR_APP}/groups/${groupId}`, { token: admin })).json();
    expect(group.policy_updates_enabled).toBe(false);
    await page.getByRole('button', { name: 'Resume group Stable (AMD64)' }).click();
    await page.getByRole('button', { name: 'Pause group Stable (AMD64)' }).waitFor();
    group = (await call(server, `/api/apps/${FLATCAR_APP}/groups/${groupId}`, { token: admin })).json();
    expect(group.policy_updates_enabled).toBe(true);

    const listed = () =>
      page
        .locator('table.instance-list tbody tr')
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-instance-id')));
    await page.locator('table.instance-list').waitFor();
    expect((await listed()).sort()).toEqual(machines.map((machine) => machine.id).sort());

    await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Error' });
    await page.waitForURL(/status=3/);
    await page.waitForFunction(() => document.querySelectorAll('table.instance-list tbody tr').length === 1);
    expect(await listed()).toEqual([machines[1]!.id]);
    expect(await page.locator('table.instance-list tbody tr td.status').textContent()).toBe('Error');

    await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Any status' });
    await page.getByLabel('Version', { exact: true }).selectOption(NEW);
    await page.waitForURL((url) => url.hash.includes(`version=${NEW}`) && !url.hash.includes('status='));
    await page.waitForFunction(() => document.querySelectorAll('table.instance-list tbody tr').length === 2);
    expect((await listed()).sort()).toEqual([machines[3]!.id, machines[4]!.id]);

    await page.getByLabel('Version', { exact: true }).selectOption('');
    await page.getByLabel('Search', { exact: true }).fill('web');
    await page.getByLabel('Search', { exact: true }).press('Enter');
    await page.waitForURL(/search=web/);
    await page.waitForFunction(() => document.querySelectorAll('table.instance-list tbody tr').length === 2);
    expect(await page.locator('table.instance-list tbody th a').allTextContents()).toEqual(['web-1', 'web-2']);

    await page.getByLabel('Order', { exact: true }).selectOption('desc');
    await page.waitForURL(/order=desc/);
    await page.waitForFunction(() => document.querySelector('table.instance-list tbody th a')?.textContent === 'web-2');

    await page.screenshot({ path: join(dir, 'group.png'), fullPage: true });
    if (process.env.DASHBOARD_SCREENSHOTS) {
      copyFileSync(join(dir, 'group.png'), join(process.env.DASHBOARD_SCREENSHOTS, 'dashboard-group.png'));
    }

    // A phone-sized window: nothing but the tables' own scroll areas is wider than the screen.
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: join(dir, 'narrow.png'), fullPage: true });
    if (process.env.DASHBOARD_SCREENSHOTS) {
      copyFileSync(join(dir, 'narrow.png'), join(process.env.DASHBOARD_SCREENSHOTS, 'dashboard-narrow.png'));
    }
    await page.setViewportSize({ width: 1200, height: 900 });

    await page.getByRole('link', { name: 'web-2' }).click();
    await page.getByRole('heading', { name: 'web-2', level: 1 }).waitFor();
    const history = await page.locator('table.history tbody tr').first().textContent();
    expect(history).toContain('Error');
    expect(history).toContain('268437959');

    await page.getByLabel('Alias').fill('web-two');
    await page.getByRole('button', { name: 'Save alias' }).click();
    await page.getByRole('heading', { name: 'web-two', level: 1 }).waitFor();
    const renamed = await call(server, `/api/apps/${FLATCAR_APP}/groups/${groupId}/instances/${machines[1]!.id}`, {
      token: admin,
    });
    expect(renamed.json().alias).toBe('web-two');
    await page.close();
  });

  it("pages through a group's instances; a step that leads nowhere is disabled", async () => {
    const groupPage = (query: string) => `/#/apps/${FLATCAR_APP}/groups/${groupId}?${query}`;
    const page = await open(groupPage('perpage=2'));
    const pager = page.getByRole('navigation', { name: 'Pages of instances' });
    const count = page.locator('#instances-count');
    const rows = page.locator('table.instance-list tbody tr');
    const disabled = (text: string) => pager.locator('span[aria-disabled="true"]', { hasText: text });
    const seen: (string | null)[] = [];
    const pages = [
      [1, 'Instances 1–2 of 5'],
      [2, 'Instances 3–4 of 5'],
      [3, 'Instances 5–5 of 5'],
    ] as const;
    for (const [number, shown] of pages) {
      await pager.getByText(`Page ${number} of 3`).waitFor();
      expect(await count.textContent()).toBe(shown);
      seen.push(...(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-instance-id')))));
      expect(await disabled('← Previous').count()).toBe(number === 1 ? 1 : 0);
      expect(await disabled('Next →').count()).toBe(number === 3 ? 1 : 0);
      if (number < 3) await pager.getByRole('link', { name: 'Next →' }).click();
    }
    expect(seen.sort()).toEqual(machines.map((machine) => machine.id).sort());
    await pager.getByRole('link', { name: '← Previous' }).click();
    await pager.getByText('Page 2 of 3').waitFor();
    expect(page.url()).toMatch(/perpage=2&page=2$/);

    // An old link past the end of a list that shrank: nothing to show, and "previous" leads to the last page.
    await page.goto(`${server.url}${groupPage('perpage=2&page=7')}`);
    await pager.getByText('Page 7 of 3').waitFor();
    expect(await count.textContent()).toBe('No instances on this page: 5 match');
    expect(await rows.count()).toBe(0);
    await pager.getByRole('link', { name: '← Previous' }).click();
    await pager.getByText('Page 3 of 3').waitFor();
    await page.close();
  });

  it('lets an admin point a channel at another package', async () => {
    const created = await call(server, `/api/apps/${FLATCAR_APP}/packages`, {
      method: 'POST',
      token: admin,
      json: {
        type: 1,
        version: '1700.0.0',
        arch: 1,
        url: 'https://update.example.com/flatcar/',
        filename: 'flatcar_production_update.gz',
        size: '1000',
        hash: 'c2hhMQ==',
        flatcar_action: { sha256: 'c2hhMjU2' },
      },
    });
    const app = (await call(server, `/api/apps/${FLATCAR_APP}`, { token: admin })).json();
    const channel = app.channels.find((c: { name: string; arch: number }) => c.name === 'stable' && c.arch === 1);
    const page = await open(`/#/apps/${FLATCAR_APP}/packages`);
    await page.getByRole('heading', { name: /packages/, level: 1 }).waitFor();
    const form = page.locator(`form[data-channel-id="${channel.id}"]`);
    await form.getByLabel('Package of stable (amd64)').selectOption({ label: '1700.0.0 (amd64)' });
    await form.getByRole('button', { name: 'Set' }).click();
    await page.getByRole('status').filter({ hasText: 'now points at 1700.0.0' }).waitFor();
    const changed = (await call(server, `/api/apps/${FLATCAR_APP}/channels/${channel.id}`, { token: admin })).json();
    expect(changed.package_id).toBe(created.json().id);
    // Back to the version the rest of the tests roll out.
    await form.getByLabel('Package of stable (amd64)').selectOption({ label: `${NEW} (amd64)` });
    await form.getByRole('button', { name: 'Set' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `now points at ${NEW}` })
      .waitFor();
    await page.close();
  });

  it('keeps a viewer to reading: no pause, resume or package buttons', async () => {
    const page = await open('/');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, viewer);
    expect(await page.locator('.session .role').textContent()).toBe('Viewer (read only)');
    expect(await page.getByRole('button', { name: /Pause group|Resume group/ }).count()).toBe(0);
    await page.getByRole('link', { name: 'Packages and channels' }).first().click();
    await page.getByRole('heading', { name: /packages/, level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: 'Set' }).count()).toBe(0);
    expect(await page.locator('table.package-list tbody th').allTextContents()).toContain(NEW);
    await page.close();
  });

  it('shows the activity feed', async () => {
    const page = await open('/#/activity');
    await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
    const feed = await page.locator('ol.feed').textContent();
    expect(feed).toContain('Group Stable (AMD64) paused');
    expect(feed).toContain('resumed');
    expect(feed).toContain(`failed to update to ${NEW}`);
    // One page of activity: neither step leads anywhere.
    const pager = page.getByRole('navigation', { name: 'Pages of activity' });
    expect(await pager.textContent()).toBe('← NewerPage 1 of 1Older →');
    expect(await pager.locator('span[aria-disabled="true"]').allTextContents()).toEqual(['← Newer', 'Older →']);
    // Past the end, "newer" leads back to the last page.
    await page.goto(`${server.url}/#/activity?page=4`);
    await pager.getByText('Page 4 of 1').waitFor();
    expect(await page.locator('.activity p.muted').first().textContent()).toMatch(/^Nothing on this page: \d+ in all$/);
    await pager.getByRole('link', { name: '← Newer' }).click();
    await pager.getByText('Page 1 of 1').waitFor();
    await page.close();
  });

  it('made no script errors and no Content-Security-Policy violations', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('dashboard: --auth none', () => {
  it('needs no sign-in and says loudly that authentication is off', async () => {
    const open = await startServerProcess(['--db', `sqlite:${join(dir, 'open.db')}`, '--auth', 'none']);
    const page = await browser.newPage();
    try {
      await page.goto(`${open.url}/`);
      await page.getByRole('heading', { name: 'Fleet', level: 1 }).waitFor();
      expect(await page.locator('.banner').textContent()).toContain('Authentication is off');
      expect(await page.getByLabel('API token').count()).toBe(0);
    } finally {
      await page.close();
      await open.stop();
    }
  });
});
