/** The page's persistent state (PageState of the protocol): defaults, validation, one store. */
import type {
  PagePlace,
  PageState,
  PageTab,
  ScalingGroup,
  TraceFilter,
  TraceSelector,
} from '../src/protocol';

export const TABS: readonly PageTab[] = [
  'scaling',
  'lineages',
  'dilution',
  'compare',
  'agreement',
  'problems',
];
export const SCALING_GROUPS: readonly ScalingGroup[] = [
  'attack_class',
  'dataset',
  'lineage',
  'lineage_attack_class',
];

export function defaultState(): PageState {
  return {
    tab: 'scaling',
    scalingGroup: 'attack_class',
    scalingKey: null,
    selector: null,
    filter: {},
    selectedTraceId: null,
  };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A selector from untrusted JSON (saved state, host messages), or null when it is not one. */
export function parseSelector(v: unknown): TraceSelector | null {
  if (!isRecord(v)) return null;
  switch (v.kind) {
    case 'cell':
      return isString(v.attackClass) && isString(v.model)
        ? { kind: 'cell', attackClass: v.attackClass, model: v.model }
        : null;
    case 'model':
      return isString(v.model) ? { kind: 'model', model: v.model } : null;
    case 'datasetCell':
      return isString(v.dataset) && isString(v.model)
        ? { kind: 'datasetCell', dataset: v.dataset, model: v.model }
        : null;
    case 'dilution':
      if (!isString(v.model)) return null;
      if (v.variant === 'A' || v.variant === 'B')
        return { kind: 'dilution', model: v.model, variant: v.variant };
      return { kind: 'dilution', model: v.model };
    case 'disagreement':
      return isString(v.primary) && isString(v.secondary)
        ? { kind: 'disagreement', primary: v.primary, secondary: v.secondary }
        : null;
    case 'scenario':
      return isString(v.scenarioId) ? { kind: 'scenario', scenarioId: v.scenarioId } : null;
    default:
      return null;
  }
}

/** A place on the page from a host message, or null when it is not one. */
export function parsePlace(v: unknown): PagePlace | null {
  if (!isRecord(v)) return null;
  switch (v.tab) {
    case 'scaling':
      return v.group === 'dataset' || v.group === 'attack_class' || v.group === 'lineage'
        ? { tab: 'scaling', group: v.group }
        : null;
    case 'lineages':
      return { tab: 'lineages', lineage: isString(v.lineage) ? v.lineage : null };
    case 'dilution':
    case 'compare':
      return { tab: v.tab };
    default:
      return null;
  }
}

function parseFilter(v: unknown): TraceFilter {
  if (!isRecord(v)) return {};
  const filter: TraceFilter = {};
  if (Array.isArray(v.verdicts)) filter.verdicts = v.verdicts.filter(isString);
  if (isString(v.text) && v.text !== '') filter.text = v.text;
  return filter;
}

/** Saved state from getState() or a `restore` message; anything unreadable falls back to the defaults. */
export function parseState(v: unknown): PageState | null {
  if (!isRecord(v)) return null;
  const d = defaultState();
  return {
    tab: TABS.includes(v.tab as PageTab) ? (v.tab as PageTab) : d.tab,
    scalingGroup: SCALING_GROUPS.includes(v.scalingGroup as ScalingGroup)
      ? (v.scalingGroup as ScalingGroup)
      : d.scalingGroup,
    scalingKey: isString(v.scalingKey) ? v.scalingKey : null,
    selector: parseSelector(v.selector),
    filter: parseFilter(v.filter),
    selectedTraceId: isString(v.selectedTraceId) ? v.selectedTraceId : null,
  };
}

export function sameSelector(a: TraceSelector | null, b: TraceSelector | null): boolean {
  if (a === null || b === null) return a === b;
  return JSON.stringify(canonicalSelector(a)) === JSON.stringify(canonicalSelector(b));
}

/** The selector with its fields in one order, so that equal selectors serialise equally. */
function canonicalSelector(s: TraceSelector): unknown[] {
  switch (s.kind) {
    case 'cell':
      return [s.kind, s.attackClass, s.model];
    case 'model':
      return [s.kind, s.model];
    case 'datasetCell':
      return [s.kind, s.dataset, s.model];
    case 'dilution':
      return [s.kind, s.model, s.variant ?? null];
    case 'disagreement':
      return [s.kind, s.primary, s.secondary];
    case 'scenario':
      return [s.kind, s.scenarioId];
  }
}

/** Holds the state; every change is saved with setState and reported to the extension. */
export class PageStore {
  private current: PageState;

  constructor(
    initial: PageState,
    private readonly save: (state: PageState) => void,
  ) {
    this.current = initial;
  }

  get state(): Readonly<PageState> {
    return this.current;
  }

  update(patch: Partial<PageState>): void {
    this.current = { ...this.current, ...patch };
    this.save(this.current);
  }

  replace(state: PageState): void {
    this.current = state;
    this.save(this.current);
  }
}
