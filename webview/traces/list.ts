/**
 * A virtualised listbox: fixed row height, only the rows in view (plus a margin) in the DOM.
 * Past ~8 million pixels the scroll range is compressed so that any number of rows fits.
 */
import { h } from '../dom';

export interface VirtualListOptions {
  rowHeight: number;
  idPrefix: string;
  label: string;
  /** Fills a row element for index i (called when it is created and on refresh()). */
  renderRow(el: HTMLElement, index: number): void;
  /** The rows in view (with the margin) changed: load them. */
  onRange(first: number, last: number): void;
  /** The selection moved (keyboard or click). */
  onSelect(index: number): void;
  /** Enter or a click: open the row. */
  onActivate(index: number): void;
}

const MAX_SCROLL_PX = 8_000_000;
const OVERSCAN = 6;

export class VirtualList {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rendered = new Map<number, HTMLElement>();
  private count = 0;
  private selected = -1;
  private frame = 0;

  constructor(private readonly o: VirtualListOptions) {
    this.spacer = h('div', { class: 'vlist-spacer' });
    this.element = h(
      'div',
      { class: 'vlist', role: 'listbox', tabindex: 0, 'aria-label': o.label },
      this.spacer,
    );
    this.element.addEventListener('scroll', () => this.schedule());
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    this.element.addEventListener('click', (e) => {
      const row = (e.target as Element | null)?.closest('[data-index]');
      if (!(row instanceof HTMLElement)) return;
      const i = Number(row.dataset.index);
      this.element.focus({ preventScroll: true });
      this.select(i, false);
      this.o.onActivate(i);
    });
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  get selectedIndex(): number {
    return this.selected;
  }

  get size(): number {
    return this.count;
  }

  setLabel(label: string): void {
    this.element.setAttribute('aria-label', label);
  }

  /** A new row count; every row is drawn again. */
  setCount(count: number): void {
    this.count = count;
    if (this.selected >= count) this.selected = count - 1;
    for (const el of this.rendered.values()) el.remove();
    this.rendered.clear();
    this.spacer.style.height = `${Math.min(count * this.o.rowHeight, MAX_SCROLL_PX)}px`;
    this.render();
  }

  /** Redraws the rows in view (their data arrived). */
  refresh(): void {
    for (const [i, el] of this.rendered) this.fill(el, i);
    this.render();
  }

  /** Moves the selection to i (clamped); scrolls it into view unless `scroll` is false. */
  select(i: number, scroll = true): void {
    if (this.count === 0) {
      this.selected = -1;
      this.render();
      return;
    }
    const next = Math.max(0, Math.min(this.count - 1, i));
    const changed = next !== this.selected;
    this.selected = next;
    if (scroll) this.scrollIntoView(next);
    this.render();
    if (changed) this.o.onSelect(next);
  }

  /** Forgets the selection without telling anyone. */
  clearSelection(): void {
    this.selected = -1;
    this.render();
  }

  scrollIntoView(i: number): void {
    const { ratio, offset, viewH } = this.geometry();
    const top = i * this.o.rowHeight;
    let target = offset;
    if (top < offset) target = top;
    else if (top + this.o.rowHeight > offset + viewH) target = top + this.o.rowHeight - viewH;
    if (target !== offset) this.element.scrollTop = target / ratio;
  }

  private geometry(): { ratio: number; offset: number; viewH: number } {
    const viewH = this.element.clientHeight;
    const content = this.count * this.o.rowHeight;
    const spacer = Math.min(content, MAX_SCROLL_PX);
    const ratio = spacer > viewH && content > spacer ? (content - viewH) / (spacer - viewH) : 1;
    return { ratio, offset: this.element.scrollTop * ratio, viewH };
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const rh = this.o.rowHeight;
    const { offset, viewH } = this.geometry();
    const first = Math.max(0, Math.floor(offset / rh) - OVERSCAN);
    const last = Math.min(this.count - 1, Math.ceil((offset + viewH) / rh) + OVERSCAN);
    for (const [i, el] of this.rendered) {
      if (i < first || i > last) {
        el.remove();
        this.rendered.delete(i);
      }
    }
    const scrollTop = this.element.scrollTop;
    for (let i = first; i <= last; i++) {
      let el = this.rendered.get(i);
      if (!el) {
        el = h('div', {
          class: 'vlist-row',
          role: 'option',
          id: `${this.o.idPrefix}-${i}`,
          'data-index': i,
          'aria-posinset': i + 1,
          'aria-setsize': this.count,
        });
        el.style.height = `${rh}px`;
        this.fill(el, i);
        this.spacer.appendChild(el);
        this.rendered.set(i, el);
      }
      el.style.top = `${scrollTop + (i * rh - offset)}px`;
      el.setAttribute('aria-selected', String(i === this.selected));
    }
    const active = this.rendered.get(this.selected);
    if (active) this.element.setAttribute('aria-activedescendant', active.id);
    else this.element.removeAttribute('aria-activedescendant');
    if (this.count > 0 && last >= first) this.o.onRange(first, last);
  }

  private fill(el: HTMLElement, i: number): void {
    this.o.renderRow(el, i);
  }

  private onKey(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.element.clientHeight / this.o.rowHeight) - 1);
    const at = this.selected < 0 ? -1 : this.selected;
    let target: number | null = null;
    switch (e.key) {
      case 'ArrowDown':
        target = at + 1;
        break;
      case 'ArrowUp':
        target = Math.max(0, at - 1);
        break;
      case 'PageDown':
        target = at + page;
        break;
      case 'PageUp':
        target = Math.max(0, at - page);
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = this.count - 1;
        break;
      case 'Enter':
      case ' ':
        if (this.selected >= 0) {
          e.preventDefault();
          this.o.onActivate(this.selected);
        }
        return;
      default:
        return;
    }
    e.preventDefault();
    this.select(target);
  }
}
