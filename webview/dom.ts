/**
 * The only way this page makes DOM: elements by name, text by textContent, attributes from a
 * whitelist. Trace text is an adversarial prompt and a model's answer to it; it never becomes markup.
 */
import { hex, visibleParts, type VisibleOptions } from './text';

const ATTRIBUTES = new Set([
  'id',
  'class',
  'role',
  'tabindex',
  'title',
  'dir',
  'type',
  'value',
  'placeholder',
  'for',
  'name',
  'colspan',
  'scope',
  'disabled',
  'hidden',
  'spellcheck',
  'autocomplete',
  'lang',
]);
const ARIA_OR_DATA = /^(aria|data)-[a-z]+(-[a-z]+)*$/;

export type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue>;
export type Child = Node | string | null | undefined | false;

/** Sets whitelisted attributes; `false`, null and undefined remove one, `true` sets it empty. */
export function setAttrs(node: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (!ATTRIBUTES.has(name) && !ARIA_OR_DATA.test(name)) throw new Error(`attribute not allowed: ${name}`);
    if (value === false || value === null || value === undefined) node.removeAttribute(name);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
}

/** An element with attributes and children; string children become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

export function clear(node: Node): void {
  while (node.lastChild) node.removeChild(node.lastChild);
}

export function replaceChildren(parent: Node, ...children: Child[]): void {
  clear(parent);
  append(parent, ...children);
}

/** Data text with control, bidi and invisible characters drawn as visible marks. */
export function dataText(text: string, options: VisibleOptions = {}): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const part of visibleParts(text, options)) {
    if (!part.mark) {
      frag.appendChild(document.createTextNode(part.text));
      continue;
    }
    const span = document.createElement('span');
    span.className = 'ctl';
    // Its own direction, so that dir="auto" around it looks past the mark for the text's direction.
    span.setAttribute('dir', 'ltr');
    span.setAttribute('title', `${part.mark.name} (${hex(part.mark.codePoint)})`);
    if (part.mark.picture) {
      // The text keeps the Control Picture (copy, search); the box shows the name, which every
      // font can draw (many Linux fonts have no glyphs for U+2400-U+2426).
      span.setAttribute('data-name', part.mark.name);
      const glyph = document.createElement('span');
      glyph.className = 'ctl-glyph';
      glyph.textContent = part.text;
      span.appendChild(glyph);
    } else span.textContent = part.text;
    frag.appendChild(span);
  }
  return frag;
}

/** A span holding data text: direction from its own first strong character, isolated from the UI. */
export function dataSpan(
  text: string,
  className = '',
  options: VisibleOptions = { singleLine: true },
): HTMLSpanElement {
  const span = h('span', { class: `data ${className}`.trim(), dir: 'auto' });
  span.appendChild(dataText(text, options));
  return span;
}

/**
 * Makes a table row act like a button: click, Enter or Space run `action`; ArrowUp/ArrowDown
 * move the focus to the neighbouring row.
 */
export function actionRow(row: HTMLTableRowElement, label: string, action: () => void): HTMLTableRowElement {
  setAttrs(row, { tabindex: 0, class: `${row.className} action-row`.trim(), 'aria-label': label });
  row.addEventListener('click', action);
  row.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      action();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const next = e.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
      if (next instanceof HTMLTableRowElement && next.tabIndex >= 0) {
        e.preventDefault();
        next.focus();
      }
    }
  });
  return row;
}

/** A table with a caption, header cells and body rows. */
export function table(
  caption: string,
  headers: string[],
  rows: HTMLTableRowElement[],
  className = '',
): HTMLTableElement {
  // A header sits over its numbers: right-aligned when the first row's cell is numeric.
  const numeric = (i: number): boolean => rows[0]?.cells[i]?.classList.contains('num') ?? false;
  return h(
    'table',
    { class: `data-table ${className}`.trim() },
    h('caption', { class: 'visually-hidden' }, caption),
    h(
      'thead',
      {},
      h('tr', {}, ...headers.map((t, i) => h('th', { scope: 'col', class: numeric(i) ? 'num' : false }, t))),
    ),
    h('tbody', {}, ...rows),
  );
}

export function td(content: Child, className = ''): HTMLTableCellElement {
  return h('td', className ? { class: className } : {}, content);
}

export function button(label: string, onClick: () => void, attrs: Attrs = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', ...attrs }, label);
  b.addEventListener('click', onClick);
  return b;
}

let idCounter = 0;
/** A document-unique id for aria wiring. */
export function uid(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
