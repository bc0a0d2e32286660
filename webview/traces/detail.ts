/** One trace in full: prompt, response, the grader's reasoning, other opinions, the raw line. */
import type { TraceDetail, TraceRow, TraceText } from '../../src/protocol';
import { button, dataSpan, dataText, h, uid } from '../dom';
import { DASH, integer } from '../../src/shared/format';
import { verdictBadge } from './verdicts';

/** Characters shown before "Show all": enough to read, little enough to lay out at once. */
export const TEXT_CAP = 20_000;

export interface DetailActions {
  openInEditor(path: string, line: number | null): void;
}

/** Text in a scrollable pre, the first TEXT_CAP characters first, with a button for the rest. */
export function longText(text: string | null, label: string): HTMLElement {
  if (text === null) return h('p', { class: 'muted none' }, `No ${label.toLowerCase()}.`);
  const pre = h('pre', { class: 'long-text', dir: 'auto', tabindex: 0, 'aria-label': label });
  const box = h('div', { class: 'long-text-box' }, pre);
  if (text.length <= TEXT_CAP) {
    pre.appendChild(dataText(text));
    return box;
  }
  // Never cut a surrogate pair in two.
  const cut = /[\ud800-\udbff]/.test(text.charAt(TEXT_CAP - 1)) ? TEXT_CAP - 1 : TEXT_CAP;
  pre.appendChild(dataText(text.slice(0, cut)));
  const note = h(
    'p',
    { class: 'muted cap-note' },
    `Showing the first ${integer(cut)} of ${integer(text.length)} characters. `,
  );
  const more = button(
    `Show all ${integer(text.length)} characters`,
    () => {
      pre.appendChild(dataText(text.slice(cut)));
      note.remove();
    },
    { class: 'secondary show-all' },
  );
  note.appendChild(more);
  box.appendChild(note);
  return box;
}

function location(path: string, line: number | null): string {
  return line === null ? path : `${path}:${line}`;
}

function openButton(
  actions: DetailActions,
  path: string,
  line: number | null,
  label = 'Open in editor',
): HTMLButtonElement {
  return button(label, () => actions.openInEditor(path, line), {
    'aria-label': `${label}: ${location(path, line)}`,
  });
}

function section(title: string, ...content: (Node | null)[]): HTMLElement {
  return h('section', { class: 'detail-section' }, h('h4', {}, title), ...content);
}

function textSections(text: TraceText | null, who: string): HTMLElement[] {
  if (!text) return [h('p', { class: 'muted' }, 'Text not available.')];
  return [
    text.systemPrompt === null
      ? null
      : section(`${who}System prompt`, longText(text.systemPrompt, `${who}System prompt`)),
    section(`${who}Prompt`, longText(text.prompt, `${who}Prompt`)),
    section(`${who}Response`, longText(text.response, `${who}Response`)),
  ].filter((x): x is HTMLElement => x !== null);
}

function meta(row: TraceRow): HTMLElement {
  const entries: [string, Node | string][] = [
    ['Model', dataSpan(row.model)],
    ['Scenario', row.scenarioId === null ? DASH : dataSpan(row.scenarioId)],
    ['Attack class', dataSpan(row.attackClass)],
    ['Dataset', row.dataset === null ? DASH : dataSpan(row.dataset)],
    ['Variant', row.variant ?? DASH],
    ['Grader', row.grader === null ? DASH : dataSpan(row.grader)],
    ['Location', dataSpan(location(row.path, row.line), 'path')],
  ];
  return h('dl', { class: 'detail-meta' }, ...entries.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function pairColumn(
  title: string,
  row: TraceRow | null,
  text: TraceText | null,
  actions: DetailActions,
): HTMLElement {
  if (!row)
    return h(
      'div',
      { class: 'pair-column' },
      h('h4', {}, title),
      h('p', { class: 'muted' }, 'No paired trace.'),
    );
  return h(
    'div',
    { class: 'pair-column', 'aria-label': title },
    h(
      'div',
      { class: 'pair-head' },
      h('h4', {}, title),
      verdictBadge(row),
      openButton(actions, row.path, row.line),
    ),
    h('p', { class: 'muted' }, dataSpan(row.scenarioId ?? row.id), ` \u00b7 ${location(row.path, row.line)}`),
    ...textSections(text, ''),
  );
}

function rawJson(raw: string): string {
  if (raw.length > 2_000_000) return raw;
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

export function renderDetail(d: TraceDetail, actions: DetailActions): HTMLElement {
  const row = d.row;
  const rawId = uid('raw');
  const raw = h('div', { class: 'raw', id: rawId, hidden: true });
  let rawFilled = false;
  const rawToggle = button(
    'Raw JSON',
    () => {
      const show = raw.hidden;
      if (show && !rawFilled) {
        raw.appendChild(longText(d.raw === null ? null : rawJson(d.raw), 'Raw JSON'));
        rawFilled = true;
      }
      raw.hidden = !show;
      rawToggle.setAttribute('aria-pressed', String(show));
    },
    { class: 'secondary', 'aria-pressed': 'false', 'aria-controls': rawId },
  );
  const body: (HTMLElement | null)[] = [];
  if (d.error) body.push(h('p', { class: 'notice error', role: 'status' }, dataSpan(d.error)));
  if (d.pair) {
    body.push(
      h(
        'div',
        { class: 'pair' },
        pairColumn('A: baseline', d.pair.a, d.pair.aText, actions),
        pairColumn('B: diluted', d.pair.b, d.pair.bText, actions),
      ),
    );
  } else body.push(...textSections(d.text, ''));
  if (d.graderReasoning !== null)
    body.push(section('Grader reasoning', longText(d.graderReasoning, 'Grader reasoning')));
  if (d.inferredInstruction !== null)
    body.push(section('Inferred instruction', longText(d.inferredInstruction, 'Inferred instruction')));
  if (d.verdictLocation) {
    const v = d.verdictLocation;
    body.push(
      section(
        'Verdict',
        h(
          'p',
          {},
          verdictBadge(row),
          ' by ',
          dataSpan(row.grader ?? 'unknown grader'),
          ' at ',
          dataSpan(location(v.path, v.line), 'path'),
          ' ',
          openButton(actions, v.path, v.line, 'Open verdict'),
        ),
      ),
    );
  }
  if (d.opinions.length) {
    body.push(
      section(
        'Other opinions',
        h(
          'ul',
          { class: 'opinions' },
          ...d.opinions.map((o) =>
            h(
              'li',
              {},
              verdictBadge({ verdict: o.verdict, category: 'evaluable' }),
              ' ',
              dataSpan(o.grader),
              ' \u00b7 ',
              dataSpan(location(o.path, o.line), 'path'),
              ' ',
              openButton(actions, o.path, o.line, 'Open'),
            ),
          ),
        ),
      ),
    );
  }
  return h(
    'article',
    { class: 'detail', 'aria-label': `Trace ${row.id}` },
    h(
      'header',
      { class: 'detail-head' },
      verdictBadge(row),
      h('span', { class: 'detail-id' }, dataSpan(row.id)),
      h('span', { class: 'spacer' }),
      openButton(actions, row.path, row.line),
      rawToggle,
    ),
    meta(row),
    raw,
    ...body,
  );
}
