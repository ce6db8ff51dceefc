import { ApiClient, ApiError, type Fetch, type Session } from './api-client.js';
import { h, replaceChildren } from './dom.js';
import { parseRoute, type Route, routeHash } from './routes.js';
import { activityView } from './views/activity-view.js';
import { groupView } from './views/group-view.js';
import { instanceView } from './views/instance-view.js';
import { overviewView } from './views/overview-view.js';
import { packagesView } from './views/packages-view.js';
import type { View, ViewContext } from './views/view-context.js';

/** Where the API token is kept in the browser between visits. */
export const TOKEN_KEY = 'ballast.dashboard.token';

/** How often the fleet view reloads itself. */
export const REFRESH_MS = 30_000;

/** What {@link startDashboard} needs from the page; tests pass their own. */
export interface DashboardOptions {
  readonly fetch?: Fetch;
  readonly storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  readonly now?: () => Date;
}

function messageOf(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.status} ${error.code})`;
  if (error instanceof TypeError) return `Cannot reach the server: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** Renders one route into a view. */
function render(context: ViewContext, route: Route): Promise<View> {
  switch (route.view) {
    case 'overview':
      return overviewView(context);
    case 'group':
      return groupView(context, route);
    case 'instance':
      return instanceView(context, route);
    case 'packages':
      return packagesView(context, route);
    case 'activity':
      return activityView(context, route);
    case 'not-found':
      return Promise.resolve({
        element: h(
          'div',
          {},
          h('h1', { tabindex: '-1' }, 'Not found'),
          h('p', {}, 'Nothing lives at this address. ', h('a', { href: '#/' }, 'Back to the fleet')),
        ),
        title: 'Not found',
      });
  }
}

/** Starts the dashboard in `root`: signs in (or finds `--auth none`), then shows the route of the URL fragment. */
export function startDashboard(root: HTMLElement, options: DashboardOptions = {}): void {
  const storage = options.storage ?? window.localStorage;
  const now = options.now ?? (() => new Date());
  const notice = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
  const alert = h('div', { class: 'alert', role: 'alert' });
  const main = h('main', { id: 'main', tabindex: '-1' });
  const sessionBox = h('div', { class: 'session' });
  const banner = h('div', { class: 'banner-slot' });
  const skip = h(
    'a',
    {
      class: 'skip',
      href: '#main',
      onclick: (event: Event) => {
        event.preventDefault();
        main.focus();
      },
    },
    'Skip to content',
  );
  const nav = h(
    'nav',
    { class: 'top', 'aria-label': 'Dashboard' },
    h('a', { href: '#/', 'data-nav': 'overview' }, 'Fleet'),
    h('a', { href: '#/activity', 'data-nav': 'activity' }, 'Activity'),
  );
  root.replaceChildren(
    skip,
    h('header', { class: 'bar' }, h('a', { class: 'brand', href: '#/' }, 'Ballast'), nav, sessionBox),
    banner,
    notice,
    alert,
    main,
  );

  let context: ViewContext | undefined;
  let current: View | undefined;
  let sequence = 0;

  const notify = (message: string, kind: 'info' | 'error' = 'info') => {
    if (kind === 'error') {
      alert.replaceChildren(
        h('p', {}, message),
        h('button', { type: 'button', class: 'link', onclick: () => alert.replaceChildren() }, 'Dismiss'),
      );
    } else {
      alert.replaceChildren();
      notice.textContent = message;
    }
  };

  const signOut = (message?: string) => {
    storage.removeItem(TOKEN_KEY);
    context = undefined;
    current = undefined;
    showSignIn(message);
  };

  const handle = (error: unknown, label?: string) => {
    if (error instanceof ApiError && error.status === 401) {
      signOut(`The server no longer accepts this token (${error.message}). Sign in again.`);
    } else if (error instanceof ApiError && error.status === 403) {
      notify(`${label ? `${label}: ` : ''}not allowed. This token has the viewer role, which may only read.`, 'error');
    } else {
      notify(`${label ? `${label} failed: ` : ''}${messageOf(error)}`, 'error');
    }
  };

  const show = async (how: { focus?: boolean; rebuild?: boolean } = {}) => {
    if (!context) return;
    if (how.rebuild) current = undefined;
    const route = parseRoute(window.location.hash);
    const mine = ++sequence;
    for (const link of Array.from(nav.querySelectorAll('a'))) {
      const active = link.dataset.nav === route.view || (link.dataset.nav === 'overview' && route.view !== 'activity');
      if (active) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    try {
      if (current?.update && (await current.update(route))) return;
      main.setAttribute('aria-busy', 'true');
      const view = await render(context, route);
      if (mine !== sequence || !context) return;
      current = view;
      main.replaceChildren(view.element);
      document.title = `${view.title} · Ballast`;
      if (how.focus !== false) view.element.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
    } catch (error) {
      if (mine !== sequence) return;
      handle(error);
      if (context) {
        current = undefined;
        main.replaceChildren(h('h1', { tabindex: '-1' }, 'Could not load this page'), h('p', {}, messageOf(error)));
      }
    } finally {
      if (mine === sequence) main.removeAttribute('aria-busy');
    }
  };

  const begin = (client: ApiClient, session: Session) => {
    context = {
      client,
      session,
      navigate: (route) => {
        window.location.hash = routeHash(route);
      },
      notify,
      now,
      fail: (error) => handle(error),
      async act(label, action) {
        try {
          await action();
          return true;
        } catch (error) {
          handle(error, label);
          return false;
        }
      },
    };
    nav.hidden = false;
    replaceChildren(
      banner,
      session.auth === 'none'
        ? h(
            'p',
            { class: 'banner warn' },
            h('strong', {}, 'Authentication is off. '),
            'This server runs with --auth none: anyone who can reach it can change groups, channels and packages. Use it for local demos only.',
          )
        : null,
    );
    replaceChildren(
      sessionBox,
      h(
        'span',
        { class: 'role' },
        session.auth === 'none' ? 'No sign-in (admin)' : session.role === 'admin' ? 'Admin' : 'Viewer (read only)',
      ),
      h('button', { type: 'button', class: 'link', onclick: () => show({ rebuild: true }) }, 'Refresh'),
      session.auth === 'token'
        ? h('button', { type: 'button', class: 'link', onclick: () => signOut('Signed out.') }, 'Sign out')
        : null,
    );
    show();
  };

  function showSignIn(message?: string, kind: 'info' | 'error' = 'info') {
    nav.hidden = true;
    sessionBox.replaceChildren();
    banner.replaceChildren();
    notice.textContent = '';
    alert.replaceChildren();
    const input = h('input', {
      id: 'token',
      name: 'token',
      type: 'password',
      autocomplete: 'off',
      spellcheck: 'false',
      required: true,
      'aria-describedby': 'token-help',
    });
    const status = h(
      'p',
      { class: kind === 'error' ? 'error' : 'muted', role: kind === 'error' ? 'alert' : 'status' },
      message ?? '',
    );
    const form = h(
      'form',
      { class: 'sign-in' },
      h('h1', { tabindex: '-1' }, 'Sign in'),
      h('label', { for: 'token' }, 'API token'),
      input,
      h(
        'p',
        { id: 'token-help', class: 'muted' },
        'An admin or viewer token, made with ',
        h('code', {}, 'ballast server token create --role viewer'),
        ' or printed at the first start. It stays in this browser only.',
      ),
      h('button', { type: 'submit' }, 'Sign in'),
      status,
    );
    const fail = (text: string) => {
      status.className = 'error';
      status.setAttribute('role', 'alert');
      status.textContent = text;
    };
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const token = input.value.trim();
      const client = new ApiClient({ token, ...(options.fetch && { fetch: options.fetch }) });
      status.className = 'muted';
      status.textContent = 'Checking the token…';
      try {
        const result = await client.probe();
        if (!result.ok) {
          fail(result.message);
          return;
        }
        storage.setItem(TOKEN_KEY, token);
        begin(client, result.session);
      } catch (error) {
        fail(messageOf(error));
      }
    });
    main.replaceChildren(form);
    document.title = 'Sign in · Ballast';
    input.focus();
  }

  window.addEventListener('hashchange', () => {
    show();
  });
  // The fleet view follows rollouts by itself, unless the operator is in the middle of using it.
  window.setInterval(() => {
    if (!context || document.visibilityState !== 'visible') return;
    if (parseRoute(window.location.hash).view !== 'overview') return;
    const active = document.activeElement;
    if (active && main.contains(active) && active.tagName !== 'H1') return;
    show({ focus: false, rebuild: true });
  }, REFRESH_MS);

  const token = storage.getItem(TOKEN_KEY) ?? undefined;
  const client = new ApiClient({ token, ...(options.fetch && { fetch: options.fetch }) });
  main.replaceChildren(h('p', { class: 'muted' }, 'Connecting…'));
  client.probe().then(
    (result) => {
      if (result.ok) {
        begin(client, result.session);
      } else {
        if (result.reason === 'TOKEN_REJECTED') storage.removeItem(TOKEN_KEY);
        showSignIn(result.reason === 'TOKEN_REJECTED' ? `${result.message}. Sign in again.` : undefined, 'error');
      }
    },
    (error: unknown) => showSignIn(messageOf(error), 'error'),
  );
}
