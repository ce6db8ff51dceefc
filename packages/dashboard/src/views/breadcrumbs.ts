import { type Child, h } from '../dom.js';
import { routeHash } from '../routes.js';

/** The breadcrumb trail of a view: Fleet, then `trail` (links, and the current place last), joined by "›". */
export function breadcrumbs(...trail: Child[]): HTMLElement {
  return h(
    'nav',
    { class: 'crumbs', 'aria-label': 'Breadcrumb' },
    h('a', { href: routeHash({ view: 'overview' }) }, 'Fleet'),
    trail.map((step) => [' › ', step]),
  );
}
