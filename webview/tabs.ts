/** An accessible tab list (WAI-ARIA tabs, automatic activation): arrows, Home and End move between tabs. */
import type { PageTab } from '../src/protocol';
import { h } from './dom';

export interface TabSpec {
  id: PageTab;
  label: string;
  panel: HTMLElement;
}

export class TabList {
  readonly element: HTMLElement;
  private readonly buttons = new Map<PageTab, HTMLButtonElement>();
  private current: PageTab;

  constructor(
    private readonly tabs: TabSpec[],
    initial: PageTab,
    private readonly onSelect: (tab: PageTab) => void,
  ) {
    this.current = initial;
    this.element = h('div', { role: 'tablist', class: 'tablist', 'aria-label': 'Analysis views' });
    for (const t of tabs) {
      const b = h(
        'button',
        { type: 'button', role: 'tab', id: `tab-${t.id}`, 'aria-controls': `panel-${t.id}` },
        t.label,
      );
      b.addEventListener('click', () => this.choose(t.id, false));
      b.addEventListener('keydown', (e) => this.onKey(e));
      this.buttons.set(t.id, b);
      this.element.appendChild(b);
      t.panel.id = `panel-${t.id}`;
      t.panel.setAttribute('role', 'tabpanel');
      t.panel.setAttribute('aria-labelledby', `tab-${t.id}`);
      t.panel.setAttribute('tabindex', '-1');
    }
    this.show(initial);
  }

  get selected(): PageTab {
    return this.current;
  }

  /** Shows `tab` without telling the owner (it already knows). */
  show(tab: PageTab): void {
    this.current = tab;
    for (const t of this.tabs) {
      const on = t.id === tab;
      const b = this.buttons.get(t.id);
      b?.setAttribute('aria-selected', String(on));
      b?.setAttribute('tabindex', on ? '0' : '-1');
      t.panel.hidden = !on;
    }
  }

  private choose(tab: PageTab, focus: boolean): void {
    this.show(tab);
    if (focus) this.buttons.get(tab)?.focus();
    this.onSelect(tab);
  }

  private onKey(e: KeyboardEvent): void {
    const i = this.tabs.findIndex((t) => t.id === this.current);
    const n = this.tabs.length;
    const target =
      e.key === 'ArrowRight'
        ? (i + 1) % n
        : e.key === 'ArrowLeft'
          ? (i - 1 + n) % n
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? n - 1
              : -1;
    const tab = this.tabs[target];
    if (!tab) return;
    e.preventDefault();
    this.choose(tab.id, true);
  }
}
