import type { ChannelJson, PackageJson } from '../api-types.js';
import { h, scrollTable } from '../dom.js';
import { archName, bytes, utcTime } from '../labels.js';
import { breadcrumbs } from './breadcrumbs.js';
import { canWrite, type View, type ViewContext } from './view-context.js';

const TYPES: Readonly<Record<number, string>> = { 1: 'Flatcar', 2: 'Docker', 3: 'Rocket', 4: 'Other' };

function channelForm(
  context: ViewContext,
  options: { appId: string; channel: ChannelJson; packages: readonly PackageJson[]; reload: () => void },
): HTMLElement {
  const { channel } = options;
  const id = `channel-${channel.id}`;
  // Only a package of the channel's architecture (or "all") can be set; the server refuses the others.
  const candidates = options.packages.filter((pkg) => pkg.arch === channel.arch || pkg.arch === 0);
  const picker = h(
    'select',
    { id, name: 'package' },
    h('option', { value: '', selected: channel.package_id === null }, 'No package'),
    candidates.map((pkg) =>
      h('option', { value: pkg.id, selected: pkg.id === channel.package_id }, `${pkg.version} (${archName(pkg.arch)})`),
    ),
  );
  const form = h(
    'form',
    { class: 'inline', 'data-channel-id': channel.id },
    h('label', { for: id }, `Package of ${channel.name} (${archName(channel.arch)})`),
    picker,
    h('button', { type: 'submit' }, 'Set'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = picker.value === '' ? null : picker.value;
    const ok = await context.act(`Set the package of ${channel.name}`, () =>
      context.client.setChannelPackage(options.appId, channel.id, value),
    );
    if (ok) {
      context.notify(
        `Channel ${channel.name} (${archName(channel.arch)}) now points at ${picker.selectedOptions[0]?.textContent ?? 'no package'}`,
      );
      options.reload();
    }
  });
  return form;
}

/** An application's packages, and which package each channel points at (admins change it here). */
export async function packagesView(context: ViewContext, route: { appId: string }): Promise<View> {
  const element = h('div', { class: 'packages' });
  let title = 'Packages';
  const load = async () => {
    const [app, first] = await Promise.all([
      context.client.application(route.appId),
      context.client.packages(route.appId, { perpage: 1000 }),
    ]);
    title = `${app.name}: packages`;
    const packages = first.packages;
    const pointing = (pkg: PackageJson) =>
      app.channels
        .filter((channel) => channel.package_id === pkg.id)
        .map((channel) => `${channel.name} (${archName(channel.arch)})`);
    const reload = () => {
      load().catch(context.fail);
    };
    element.replaceChildren(
      breadcrumbs(app.name),
      h('h1', { tabindex: '-1' }, `${app.name}: packages`),
      h('h2', {}, 'Channels'),
      canWrite(context)
        ? h(
            'div',
            { class: 'channel-forms' },
            app.channels.map((channel) => channelForm(context, { appId: app.id, channel, packages, reload })),
          )
        : h(
            'ul',
            {},
            app.channels.map((channel) =>
              h('li', {}, `${channel.name} (${archName(channel.arch)}): ${channel.package?.version ?? 'no package'}`),
            ),
          ),
      h('h2', {}, `Packages (${first.totalCount})`),
      packages.length === 0
        ? h('p', { class: 'muted' }, 'No packages yet')
        : scrollTable(
            { class: 'package-list' },
            {
              columns: ['Version', 'Arch', 'Type', 'File', 'Size', 'Channels', 'Created'],
              rows: packages.map((pkg) =>
                h(
                  'tr',
                  { 'data-package-id': pkg.id },
                  h('th', { scope: 'row' }, pkg.version),
                  h('td', {}, archName(pkg.arch)),
                  h('td', {}, TYPES[pkg.type] ?? String(pkg.type)),
                  h('td', { class: 'mono wrap' }, `${pkg.url}${pkg.filename ?? ''}`),
                  h('td', { class: 'num' }, bytes(pkg.size)),
                  h('td', {}, pointing(pkg).join(', ') || h('span', { class: 'muted' }, 'none')),
                  h('td', {}, utcTime(pkg.created_ts)),
                ),
              ),
            },
          ),
    );
  };
  await load();
  return { element, title };
}
