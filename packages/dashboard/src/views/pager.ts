import { h } from '../dom.js';

/**
 * "← Previous  Page 2 of 5  Next →" under a list. A step that leads nowhere (before the first page, after the last)
 * is shown disabled rather than left out, so the pager keeps its place; from a page past the end (an old link to a
 * list that shrank), "previous" leads to the last page.
 */
export function pager(options: {
  /** What the pages are of, for screen readers: "Pages of instances". */
  readonly label: string;
  readonly page: number;
  readonly pages: number;
  readonly href: (page: number) => string;
  readonly previous: string;
  readonly next: string;
}): HTMLElement {
  const { page, pages } = options;
  const step = (target: number | null, text: string) =>
    target === null
      ? h('span', { class: 'button disabled', 'aria-disabled': 'true' }, text)
      : h('a', { class: 'button', href: options.href(target) }, text);
  return h(
    'nav',
    { class: 'pager', 'aria-label': options.label },
    step(page > 1 ? Math.min(page - 1, pages) : null, options.previous),
    h('span', {}, `Page ${page} of ${pages}`),
    step(page < pages ? page + 1 : null, options.next),
  );
}
