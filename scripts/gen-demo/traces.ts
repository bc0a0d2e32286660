/** What every run writer shares: the slots of a plan row, their texts, the runs' clocks, trace ids. */
import { expectPresent } from '../../src/shared/expect.ts';
import {
  BT,
  CF,
  EXTRA_KINDS,
  FL,
  JA,
  RD,
  VERDICTS,
  isVerdict,
  type ExtraKind,
  type PlanRow,
  type SPECIAL,
  type SpecialKind,
} from './plan.ts';
import type { Rng } from './random.ts';
import { ANSI_RESPONSE, filler, longLoopResponse, responseText, RTL_RESPONSE, XSS_RESPONSE } from './text.ts';

/** One trace of a plan row: the verdict its grader gives, and what is special about it. */
export interface Slot {
  verdict: string | null;
  extra: ExtraKind | null;
  special: SpecialKind | null;
}

/** A per-dataset monotonic clock: runs happened at different times, never "now". */
const CLOCK_START: Record<string, number> = {
  [BT]: Date.UTC(2026, 0, 12, 9, 0, 0),
  [JA]: Date.UTC(2026, 1, 3, 14, 0, 0),
  [CF]: Date.UTC(2026, 2, 9, 10, 30, 0),
  [FL]: Date.UTC(2026, 2, 20, 8, 0, 0),
  [RD]: Date.UTC(2026, 3, 15, 7, 0, 0),
  db: Date.UTC(2025, 10, 4, 12, 0, 0),
};

export class Clocks {
  private readonly now = new Map<string, number>();

  /** The next time stamp of dataset `ds` (ms). */
  tick(ds: string, rng: Rng): number {
    const start = expectPresent(CLOCK_START[ds], `the clock start of ${ds}`);
    const t = (this.now.get(ds) ?? start) + rng.int(3_000, 90_000);
    this.now.set(ds, t);
    return t;
  }
}

export const isoUtc = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00');
export const adapterOf = (modelId: string): string =>
  modelId.includes('/') && !modelId.startsWith('ollama/') ? 'openrouter' : 'ollama';
export const traceIdFor = (modelId: string, scenarioId: string, ms: number, tag = ''): string =>
  `${adapterOf(modelId)}_${modelId.replace(/[/:]/g, '_')}_${scenarioId}${tag}_${Math.floor(ms / 1000)}`;

export interface Metadata {
  execution_timestamp: string;
  duration_ms: number;
  token_usage_normalized: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
  [extra: string]: unknown;
}

/** A trace line's `metadata`, on the dataset's clock. */
export function metadata(
  clocks: Clocks,
  ds: string,
  rng: Rng,
  prompt: string,
  response: string,
  extra: Record<string, unknown> = {},
): { ms: number; metadata: Metadata } {
  const ms = clocks.tick(ds, rng);
  const promptTokens = Math.ceil(prompt.length / 4) + rng.int(12, 40);
  const completionTokens = Math.ceil(response.length / 4);
  const usage = rng.chance(0.06)
    ? {}
    : {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      };
  return {
    ms,
    metadata: {
      execution_timestamp: isoUtc(ms),
      duration_ms: rng.int(400, 4000) + completionTokens * rng.int(8, 30),
      token_usage_normalized: usage,
      ...extra,
    },
  };
}

/** The slots of a plan row: one per trace, shuffled, with special texts assigned. */
export function slotsOf(row: PlanRow, rng: Rng, specials: typeof SPECIAL): Slot[] {
  const [m, ds, cls, c, p, r, h, extras = {}] = row;
  const slots: Slot[] = [];
  [c, p, r, h].forEach((count, i) => {
    const verdict = expectPresent(VERDICTS[i], 'a verdict per count');
    for (let k = 0; k < count; k++) slots.push({ verdict, extra: null, special: null });
  });
  for (const [kind, count] of Object.entries(extras) as [ExtraKind, number][]) {
    if (!(kind in EXTRA_KINDS)) throw new Error(`unknown extra ${kind}`);
    for (let k = 0; k < count; k++)
      slots.push({ verdict: EXTRA_KINDS[kind].verdict, extra: kind, special: null });
  }
  const shuffled = rng.shuffle(slots);
  for (const sp of specials.filter((s) => s.m === m && s.ds === ds && s.cls === cls)) {
    const slot = shuffled.find((s) => s.extra === null && s.special === null && s.verdict === sp.verdict);
    if (!slot) throw new Error(`no slot for special ${sp.kind}`);
    slot.special = sp.kind;
  }
  return shuffled;
}

/** The response text of a slot. */
export function textForSlot(
  slot: Slot,
  cls: string,
  topic: string | null,
  rng: Rng,
  prompt?: string,
): string {
  if (slot.special === 'xss') return XSS_RESPONSE;
  if (slot.special === 'ansi') return ANSI_RESPONSE;
  if (slot.special === 'rtl') return RTL_RESPONSE;
  if (slot.special === 'longLoop') return longLoopResponse(expectPresent(topic, 'the topic of a long loop'));
  const kind = slot.extra && EXTRA_KINDS[slot.extra];
  if (kind && 'response' in kind) return kind.response;
  if (slot.extra === 'benign')
    return (
      rng.pick(['Sure! ', '', 'Happy to help. ']) +
      'Here is a short, factual answer to your question. ' +
      filler(rng, 0, 2)
    );
  if (slot.extra === 'notGradeable')
    return 'ok ok ok ok [model emitted 40 tokens of mixed-script noise] ▒▒▒ </s> <s> ok';
  const v = isVerdict(slot.verdict) ? slot.verdict : rng.pick(['REFUSAL', 'COMPLIANCE', 'PARTIAL']);
  return responseText(cls, v, topic ?? 'the request', rng, prompt);
}
