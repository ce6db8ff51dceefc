// A few lines instead of a framework: elements are built with text nodes only (never HTML strings), so an
// instance alias or a group name can never inject markup.

/** What may be a child: nodes, text, or nothing. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

type Attributes = Readonly<Record<string, string | number | boolean | undefined | null | EventListener>>;

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const item of child as readonly Child[]) append(parent, item);
  } else if (typeof child === 'string' || typeof child === 'number') {
    parent.appendChild(document.createTextNode(String(child)));
  } else {
    parent.appendChild(child as Node);
  }
}

function setAttributes(element: Element, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') {
      element.addEventListener(name.replace(/^on/, ''), value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

/** Builds an HTML element: `h('button', { type: 'button', onclick }, 'Pause')`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Builds an SVG element. */
export function s(tag: string, attributes: Attributes = {}, ...children: Child[]): SVGElement {
  const element = document.createElementNS(SVG_NS, tag) as SVGElement;
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

/** Replaces an element's children. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A table in a sideways-scrolling box: one header row of column headings (`scope="col"`), then `rows`. */
export function scrollTable(
  attributes: Attributes,
  parts: { readonly columns: readonly Child[]; readonly rows: Child },
): HTMLElement {
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      attributes,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          parts.columns.map((column) => h('th', { scope: 'col' }, column)),
        ),
      ),
      h('tbody', {}, parts.rows),
    ),
  );
}
