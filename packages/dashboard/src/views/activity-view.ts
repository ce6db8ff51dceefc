import { h } from '../dom.js';
import { activityText, ago, severityName, utcTime } from '../labels.js';
import { DEFAULT_FILTERS, type Route, routeHash } from '../routes.js';
import { pager } from './pager.js';
import type { View, ViewContext } from './view-context.js';

type ActivityRoute = Extract<Route, { view: 'activity' }>;

const PER_PAGE = 25;

/** The activity feed, newest first: rollouts started and finished, failures, pauses, channel changes. */
export async function activityView(context: ViewContext, route: ActivityRoute): Promise<View> {
  const page = await context.client.activity({ page: route.page, perpage: PER_PAGE });
  const now = context.now();
  const pages = Math.max(1, Math.ceil(page.totalCount / PER_PAGE));
  const element = h(
    'div',
    { class: 'activity' },
    h('h1', { tabindex: '-1' }, 'Activity'),
    page.activities.length === 0
      ? h(
          'p',
          { class: 'muted' },
          page.totalCount === 0 ? 'Nothing happened yet' : `Nothing on this page: ${page.totalCount} in all`,
        )
      : h(
          'ol',
          { class: 'feed' },
          page.activities.map((entry) =>
            h(
              'li',
              { class: `severity-${entry.severity}` },
              h('span', { class: 'severity' }, severityName(entry.severity)),
              h(
                'div',
                {},
                h('p', {}, activityText(entry)),
                h(
                  'p',
                  { class: 'muted' },
                  entry.application_name,
                  entry.group_id && entry.group_name
                    ? [
                        ' · ',
                        h(
                          'a',
                          {
                            href: routeHash({
                              view: 'group',
                              appId: entry.app_id,
                              groupId: entry.group_id,
                              filters: DEFAULT_FILTERS,
                            }),
                          },
                          entry.group_name,
                        ),
                      ]
                    : null,
                  ' · ',
                  h(
                    'time',
                    { datetime: entry.created_ts, title: utcTime(entry.created_ts) },
                    ago(entry.created_ts, now),
                  ),
                ),
              ),
            ),
          ),
        ),
    pager({
      label: 'Pages of activity',
      page: route.page,
      pages,
      href: (page) => routeHash({ view: 'activity', page }),
      previous: '← Newer',
      next: 'Older →',
    }),
  );
  return { element, title: 'Activity' };
}
