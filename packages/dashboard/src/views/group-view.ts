import { DURATIONS, type GroupJson, type InstancesStatsJson } from '../api-types.js';
import { timelineChart, versionBreakdownChart } from '../charts.js';
import { h, replaceChildren, scrollTable } from '../dom.js';
import { ago, INSTANCE_STATUSES, instanceName, pauseState, policySummary, statusName, utcTime } from '../labels.js';
import { rolloutStates } from '../rollout-metrics.js';
import {
  type InstanceFilters,
  instanceQueryParams,
  PAGE_SIZES,
  type Route,
  routeHash,
  type SearchFilter,
  type SortBy,
} from '../routes.js';
import { isEmptyTimeline, statusTimeline, versionTimeline } from '../timeline-series.js';
import { breadcrumbs } from './breadcrumbs.js';
import { pauseResumeButton } from './group-actions.js';
import { channelText, rolloutText } from './overview-view.js';
import { pager } from './pager.js';
import type { View, ViewContext } from './view-context.js';

type GroupRoute = Extract<Route, { view: 'group' }>;

/** The stats keys in Nebraska's status order, with the status code each counts. */
const STATS: readonly { key: keyof InstancesStatsJson; code: number }[] = [
  { key: 'undefined', code: 1 },
  { key: 'update_granted', code: 2 },
  { key: 'error', code: 3 },
  { key: 'complete', code: 4 },
  { key: 'installed', code: 5 },
  { key: 'downloaded', code: 6 },
  { key: 'downloading', code: 7 },
  { key: 'onhold', code: 8 },
];

/** Pages of a list: how many, and which entries the current one shows ("Instances 11–20 of 25"). */
export function pageInfo(total: number, filters: Pick<InstanceFilters, 'page' | 'perPage'>) {
  const pages = Math.max(1, Math.ceil(total / filters.perPage));
  const first = total === 0 ? 0 : (filters.page - 1) * filters.perPage + 1;
  const last = Math.min(total, filters.page * filters.perPage);
  return { pages, first, last };
}

function select(
  options: { label: string; name: string; value: string },
  choices: readonly { value: string; text: string }[],
): HTMLElement {
  const id = `filter-${options.name}`;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, options.label),
    h(
      'select',
      { id, name: options.name },
      choices.map((choice) =>
        h('option', { value: choice.value, selected: choice.value === options.value }, choice.text),
      ),
    ),
  );
}

/** A group: state and policy, version breakdown, timelines, and its instances with Nebraska's filters. */
export async function groupView(context: ViewContext, route: GroupRoute): Promise<View> {
  const { client } = context;
  let filters = route.filters;
  const [group, breakdown, metrics] = await Promise.all([
    client.group(route.appId, route.groupId),
    client.versionBreakdown(route.appId, route.groupId),
    client.metrics().catch(() => ''),
  ]);
  const go = (changed: Partial<InstanceFilters>) =>
    context.navigate({ ...route, filters: { ...filters, page: 1, ...changed } });

  const header = h('div', { class: 'group-head' });
  const renderHeader = (current: GroupJson, metricsText: string) => {
    const pause = pauseState(current);
    const state = rolloutStates(metricsText).get(current.id);
    header.replaceChildren(
      breadcrumbs(current.name),
      h(
        'div',
        { class: 'title-row' },
        h('h1', { tabindex: '-1' }, current.name),
        pauseResumeButton(context, current, () => {
          Promise.all([client.group(route.appId, route.groupId), client.metrics().catch(() => '')])
            .then(([next, text]) => renderHeader(next, text))
            .catch(context.fail);
        }),
      ),
      h(
        'p',
        { class: pause.paused ? 'state paused' : 'state enabled', role: 'status' },
        pause.text,
        pause.paused && current.paused_ts ? ` (since ${utcTime(current.paused_ts)})` : '',
      ),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Track'),
        h('dd', {}, current.track || '—'),
        h('dt', {}, 'Channel'),
        h('dd', {}, channelText(current.channel)),
        h('dt', {}, 'Policy'),
        h('dd', {}, policySummary(current)),
        h('dt', {}, 'Rollout'),
        h('dd', {}, rolloutText(state), current.rollout_in_progress ? ' (in progress)' : ''),
        current.description ? [h('dt', {}, 'Description'), h('dd', {}, current.description)] : null,
      ),
    );
  };
  renderHeader(group, metrics);

  const versions = h(
    'section',
    { 'aria-labelledby': 'versions-title' },
    h('h2', { id: 'versions-title' }, 'Versions'),
    breakdown.length === 0 ? h('p', { class: 'muted' }, 'No instances yet') : versionBreakdownChart(breakdown),
  );

  const timelines = h('section', { 'aria-labelledby': 'timelines-title' });
  const stats = h('div', { class: 'stats' });
  let shownDuration = '';
  let statsJson: InstancesStatsJson | undefined;
  const renderStats = () => {
    if (!statsJson) return;
    const counts = statsJson;
    stats.replaceChildren(
      h('h3', {}, `Instances by status, seen in the last ${filters.duration}: ${counts.total}`),
      h(
        'ul',
        { class: 'chips' },
        STATS.map(({ key, code }) =>
          h(
            'li',
            {},
            h(
              'a',
              {
                href: routeHash({ ...route, filters: { ...filters, status: code, page: 1 } }),
                'aria-current': filters.status === code ? 'true' : undefined,
              },
              `${statusName(code)}: `,
              h('strong', {}, counts[key]),
            ),
          ),
        ),
      ),
    );
  };
  const renderTimelines = async () => {
    if (shownDuration === filters.duration) return;
    shownDuration = filters.duration;
    const [statusJson, versionJson, counts] = await Promise.all([
      client.statusTimeline(route.appId, route.groupId, filters.duration),
      client.versionTimeline(route.appId, route.groupId, filters.duration),
      client.instancesStats(route.appId, route.groupId, filters.duration),
    ]);
    statsJson = counts;
    const byStatus = statusTimeline(statusJson);
    const byVersion = versionTimeline(versionJson);
    timelines.replaceChildren(
      h('h2', { id: 'timelines-title' }, `Timelines (last ${filters.duration})`),
      h(
        'div',
        { class: 'charts' },
        isEmptyTimeline(byStatus)
          ? h('p', { class: 'muted' }, 'No status changes in this time')
          : timelineChart(byStatus, { title: 'Status changes', unit: 'instances', legend: 'total' }),
        isEmptyTimeline(byVersion)
          ? h('p', { class: 'muted' }, 'No versions reported in this time')
          : timelineChart(byVersion, { title: 'Instances per version', unit: 'instances', legend: 'last' }),
      ),
    );
  };

  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter instances' });
  const syncForm = () => {
    const values: Record<string, string> = {
      status: String(filters.status),
      version: filters.version,
      duration: filters.duration,
      searchFilter: filters.searchFilter,
      search: filters.searchValue,
      sortBy: filters.sortBy,
      sortOrder: filters.sortOrder,
      perPage: String(filters.perPage),
    };
    for (const [name, value] of Object.entries(values)) {
      const control = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
      if (!control) continue;
      if (
        control instanceof HTMLSelectElement &&
        !Array.from(control.options).some((option) => option.value === value)
      ) {
        control.append(h('option', { value }, value));
      }
      control.value = value;
    }
  };
  const renderForm = () => {
    const versionChoices = [
      { value: '', text: 'Any version' },
      ...breakdown.map((entry) => ({ value: entry.version, text: entry.version })),
    ];
    if (filters.version && !breakdown.some((entry) => entry.version === filters.version)) {
      versionChoices.push({ value: filters.version, text: filters.version });
    }
    form.replaceChildren(
      select({ label: 'Status', name: 'status', value: String(filters.status) }, [
        { value: '0', text: 'Any status' },
        ...INSTANCE_STATUSES.map((status) => ({ value: String(status.code), text: status.name })),
      ]),
      select({ label: 'Version', name: 'version', value: filters.version }, versionChoices),
      select(
        { label: 'Seen in the last', name: 'duration', value: filters.duration },
        DURATIONS.map((duration) => ({ value: duration, text: duration })),
      ),
      select({ label: 'Search in', name: 'searchFilter', value: filters.searchFilter }, [
        { value: 'All', text: 'All fields' },
        { value: 'alias', text: 'Alias' },
        { value: 'id', text: 'Machine id' },
        { value: 'ip', text: 'IP address' },
      ]),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'filter-search' }, 'Search'),
        h('input', { id: 'filter-search', name: 'search', type: 'search', value: filters.searchValue }),
      ),
      select({ label: 'Sort by', name: 'sortBy', value: filters.sortBy }, [
        { value: 'alias', text: 'Alias' },
        { value: 'ip', text: 'IP address' },
        { value: 'lastCheck', text: 'Last check' },
      ]),
      select({ label: 'Order', name: 'sortOrder', value: filters.sortOrder }, [
        { value: 'asc', text: 'Ascending' },
        { value: 'desc', text: 'Descending' },
      ]),
      select(
        { label: 'Per page', name: 'perPage', value: String(filters.perPage) },
        PAGE_SIZES.map((size) => ({ value: String(size), text: String(size) })),
      ),
      h('button', { type: 'submit' }, 'Apply'),
    );
  };
  const readForm = (): Partial<InstanceFilters> => {
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '');
    return {
      status: Number(text('status')),
      version: text('version'),
      duration: text('duration') as InstanceFilters['duration'],
      searchFilter: text('searchFilter') as SearchFilter,
      searchValue: text('search').trim(),
      sortBy: text('sortBy') as SortBy,
      sortOrder: text('sortOrder') === 'desc' ? 'desc' : 'asc',
      perPage: Number(text('perPage')),
    };
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go(readForm());
  });
  // Choosing from a list applies at once; typed search waits for Enter or Apply.
  form.addEventListener('change', (event) => {
    if ((event.target as HTMLElement).tagName === 'SELECT') go(readForm());
  });

  const list = h('div', { class: 'instances', 'aria-live': 'polite' });
  const renderList = async () => {
    const page = await client.instances(route.appId, route.groupId, instanceQueryParams(filters));
    const info = pageInfo(page.total, filters);
    const now = context.now();
    replaceChildren(
      list,
      h(
        'p',
        { class: 'count', id: 'instances-count' },
        page.total === 0
          ? 'No instances match'
          : info.first > page.total
            ? `No instances on this page: ${page.total} match`
            : `Instances ${info.first}–${info.last} of ${page.total}`,
      ),
      page.instances.length === 0
        ? null
        : scrollTable(
            { class: 'instance-list', 'aria-describedby': 'instances-count' },
            {
              columns: ['Instance', 'IP address', 'Version', 'Status', 'Last check'],
              rows: page.instances.map((instance) =>
                h(
                  'tr',
                  { 'data-instance-id': instance.id },
                  h(
                    'th',
                    { scope: 'row' },
                    h(
                      'a',
                      {
                        href: routeHash({
                          view: 'instance',
                          appId: route.appId,
                          groupId: route.groupId,
                          instanceId: instance.id,
                        }),
                      },
                      instanceName(instance),
                    ),
                    instance.alias ? h('div', { class: 'muted mono' }, instance.id) : null,
                  ),
                  h('td', { class: 'mono' }, instance.ip),
                  h('td', {}, instance.application.version),
                  h(
                    'td',
                    { class: `status status-${instance.application.status ?? 1}` },
                    statusName(instance.application.status),
                  ),
                  h(
                    'td',
                    { title: utcTime(instance.application.last_check_for_updates) },
                    ago(instance.application.last_check_for_updates, now),
                  ),
                ),
              ),
            },
          ),
      pager({
        label: 'Pages of instances',
        page: filters.page,
        pages: info.pages,
        href: (page) => routeHash({ ...route, filters: { ...filters, page } }),
        previous: '← Previous',
        next: 'Next →',
      }),
    );
  };

  renderForm();
  await Promise.all([renderTimelines(), renderList()]);
  renderStats();
  const element = h(
    'div',
    { class: 'group' },
    header,
    versions,
    h(
      'section',
      { 'aria-labelledby': 'instances-title' },
      h('h2', { id: 'instances-title' }, 'Instances'),
      stats,
      form,
      list,
    ),
    timelines,
  );
  return {
    element,
    title: group.name,
    async update(next) {
      if (next.view !== 'group' || next.appId !== route.appId || next.groupId !== route.groupId) return false;
      filters = next.filters;
      syncForm();
      await Promise.all([renderTimelines(), renderList()]);
      renderStats();
      return true;
    },
  };
}
