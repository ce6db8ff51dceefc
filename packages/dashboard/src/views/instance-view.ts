import { h, scrollTable } from '../dom.js';
import { ago, instanceName, statusName, utcTime } from '../labels.js';
import { DEFAULT_FILTERS, type Route, routeHash } from '../routes.js';
import { breadcrumbs } from './breadcrumbs.js';
import { canWrite, type View, type ViewContext } from './view-context.js';

type InstanceRoute = Extract<Route, { view: 'instance' }>;

function aliasForm(context: ViewContext, options: { route: InstanceRoute; alias: string }): HTMLElement {
  const { route } = options;
  const input = h('input', { id: 'alias', name: 'alias', type: 'text', value: options.alias, maxlength: 256 });
  const form = h(
    'form',
    { class: 'inline' },
    h('label', { for: 'alias' }, 'Alias'),
    input,
    h('button', { type: 'submit' }, 'Save alias'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const alias = input.value.trim();
    const ok = await context.act('Set the alias', () => context.client.setAlias(route.appId, route.instanceId, alias));
    if (ok) {
      context.notify(alias ? `Instance ${route.instanceId} is now called ${alias}` : 'Alias removed');
      const heading = document.querySelector('main h1');
      if (heading) heading.textContent = alias || route.instanceId;
    }
  });
  return form;
}

/** One instance: what it runs, when it last checked, and its status history. */
export async function instanceView(context: ViewContext, route: InstanceRoute): Promise<View> {
  const { client } = context;
  const [group, instance, history] = await Promise.all([
    client.group(route.appId, route.groupId),
    client.instance(route.appId, route.groupId, route.instanceId),
    client.statusHistory(route.appId, route.groupId, route.instanceId),
  ]);
  const now = context.now();
  const app = instance.application;
  const name = instanceName(instance);
  const fact = (label: string, value: string | null | undefined) =>
    value ? [h('dt', {}, label), h('dd', {}, value)] : null;
  const element = h(
    'div',
    { class: 'instance' },
    breadcrumbs(
      h(
        'a',
        { href: routeHash({ view: 'group', appId: route.appId, groupId: group.id, filters: DEFAULT_FILTERS }) },
        group.name,
      ),
      name,
    ),
    h('h1', { tabindex: '-1' }, name),
    h(
      'dl',
      { class: 'facts' },
      fact('Machine id', instance.id),
      fact('Alias', instance.alias),
      fact('IP address', instance.ip),
      fact('Version', app.version),
      fact('Status', statusName(app.status)),
      fact('Update in progress', app.update_in_progress ? 'yes' : 'no'),
      fact('Last check', `${utcTime(app.last_check_for_updates)} (${ago(app.last_check_for_updates, now)})`),
      fact(
        'Last update granted',
        app.last_update_granted_ts
          ? `${app.last_update_version ?? ''} at ${utcTime(app.last_update_granted_ts)}`
          : null,
      ),
      fact('OEM', instance.oem ? `${instance.oem} ${instance.oem_version ?? ''}`.trim() : null),
      fact('First installed version', instance.aleph_version),
      fact('Registered', utcTime(instance.created_ts)),
    ),
    canWrite(context) ? aliasForm(context, { route, alias: instance.alias ?? '' }) : null,
    h('h2', { id: 'history-title' }, 'Status history'),
    history.length === 0
      ? h('p', { class: 'muted' }, 'No status changes recorded')
      : scrollTable(
          { class: 'history', 'aria-labelledby': 'history-title' },
          {
            columns: ['Time (UTC)', 'Status', 'Version', 'Error code'],
            rows: history.map((entry) =>
              h(
                'tr',
                {},
                h('td', {}, utcTime(entry.created_ts)),
                h('td', { class: `status status-${entry.status}` }, statusName(entry.status)),
                h('td', {}, entry.version),
                h('td', { class: 'mono' }, entry.error_code ?? ''),
              ),
            ),
          },
        ),
  );
  return { element, title: name };
}
