import type { ApplicationJson, ChannelJson, GroupJson } from '../api-types.js';
import { h, replaceChildren, scrollTable } from '../dom.js';
import { archName, pauseState, policySummary } from '../labels.js';
import { type RolloutState, rolloutStates } from '../rollout-metrics.js';
import { DEFAULT_FILTERS, routeHash } from '../routes.js';
import { pauseResumeButton } from './group-actions.js';
import type { View, ViewContext } from './view-context.js';

/** The rollout numbers of a group in words: "1.2.3: 4 granted, 1 in progress, 3 complete, 0 failed, 0 timed out". */
export function rolloutText(state: RolloutState | undefined): string {
  if (!state || state.version === null) return 'No version to roll out';
  return (
    `${state.version}: ${state.granted} granted, ${state.inProgress} in progress, ${state.complete} complete, ` +
    `${state.failed} failed, ${state.timedOut} timed out`
  );
}

/** A channel as "stable (amd64) → 3374.2.0". */
export function channelText(channel: ChannelJson | undefined | null): string {
  if (!channel) return 'No channel';
  return `${channel.name} (${archName(channel.arch)}) → ${channel.package?.version ?? 'no package'}`;
}

function rolloutCell(state: RolloutState | undefined): HTMLElement {
  if (!state || state.version === null) return h('span', { class: 'muted' }, 'No version to roll out');
  const item = (label: string, value: number, warn = false) =>
    h('li', { class: warn && value > 0 ? 'warn' : undefined }, h('span', { class: 'count' }, value), ` ${label}`);
  return h(
    'div',
    { class: 'rollout' },
    h('span', { class: 'version' }, state.version),
    h(
      'ul',
      { class: 'counts', 'aria-label': `Rollout of ${state.version}` },
      item('granted', state.granted),
      item('in progress', state.inProgress),
      item('complete', state.complete),
      item('failed', state.failed, true),
      item('timed out', state.timedOut, true),
    ),
  );
}

function groupRow(
  context: ViewContext,
  options: { app: ApplicationJson; group: GroupJson; state: RolloutState | undefined; reload: () => void },
): HTMLElement {
  const { app, group, state } = options;
  const channel = group.channel ?? app.channels.find((candidate) => candidate.id === group.channel_id);
  const pause = pauseState(group);
  const link = routeHash({ view: 'group', appId: app.id, groupId: group.id, filters: DEFAULT_FILTERS });
  return h(
    'tr',
    { 'data-group-id': group.id, class: pause.paused ? 'paused' : undefined },
    h('th', { scope: 'row' }, h('a', { href: link }, group.name), h('div', { class: 'muted' }, `track ${group.track}`)),
    h('td', {}, channelText(channel)),
    h(
      'td',
      {},
      rolloutCell(state),
      group.rollout_in_progress ? h('div', { class: 'muted' }, 'Rollout in progress') : null,
    ),
    h('td', { class: 'policy' }, policySummary(group)),
    h('td', {}, h('span', { class: pause.paused ? 'state paused' : 'state enabled' }, pause.text)),
    h('td', {}, pauseResumeButton(context, group, options.reload)),
  );
}

function applicationSection(
  context: ViewContext,
  options: { app: ApplicationJson; states: Map<string, RolloutState>; reload: () => void },
): HTMLElement {
  const { app, states } = options;
  const paused = app.groups.filter((group) => !group.policy_updates_enabled);
  return h(
    'section',
    { class: 'app', 'aria-labelledby': `app-${app.id}` },
    h(
      'div',
      { class: 'section-head' },
      h('h2', { id: `app-${app.id}` }, app.name),
      h(
        'p',
        { class: 'muted' },
        `${app.instances.count} instances · ${app.groups.length} groups · ${app.channels.length} channels`,
        paused.length > 0 ? ` · ${paused.length} paused` : '',
        ' · ',
        h('a', { href: routeHash({ view: 'packages', appId: app.id }) }, 'Packages and channels'),
      ),
    ),
    h('h3', {}, 'Groups'),
    app.groups.length === 0
      ? h('p', { class: 'muted' }, 'No groups')
      : scrollTable(
          { class: 'groups' },
          {
            columns: [
              'Group',
              'Channel → version',
              'Rollout',
              'Policy',
              'State',
              h('span', { class: 'visually-hidden' }, 'Actions'),
            ],
            rows: app.groups.map((group) =>
              groupRow(context, { app, group, state: states.get(group.id), reload: options.reload }),
            ),
          },
        ),
    h('h3', {}, 'Channels'),
    app.channels.length === 0
      ? h('p', { class: 'muted' }, 'No channels')
      : scrollTable(
          { class: 'channels' },
          {
            columns: ['Channel', 'Arch', 'Package', 'Downgrades'],
            rows: app.channels.map((channel) =>
              h(
                'tr',
                { 'data-channel-id': channel.id },
                h('th', { scope: 'row' }, channel.name),
                h('td', {}, archName(channel.arch)),
                h('td', {}, channel.package?.version ?? h('span', { class: 'muted' }, 'none')),
                h('td', {}, channel.allow_downgrade ? 'allowed' : 'no'),
              ),
            ),
          },
        ),
  );
}

/** The fleet: every application with its groups (channel, policy, live rollout, pause state) and channels. */
export async function overviewView(context: ViewContext): Promise<View> {
  const element = h('div', { class: 'overview' });
  const load = async () => {
    const [apps, metrics] = await Promise.all([
      context.client.applications(),
      context.client.metrics().catch(() => ''),
    ]);
    const states = rolloutStates(metrics);
    const reload = () => {
      load().catch(context.fail);
    };
    replaceChildren(
      element,
      h('h1', { tabindex: '-1' }, 'Fleet'),
      metrics === '' ? h('p', { class: 'muted' }, 'Rollout numbers are unavailable: /metrics did not answer.') : null,
      apps.length === 0 ? h('p', {}, 'No applications yet.') : null,
      ...apps.map((app) => applicationSection(context, { app, states, reload })),
    );
  };
  await load();
  return { element, title: 'Fleet' };
}
