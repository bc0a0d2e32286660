/** Scenarios: every scenario id a run uses, with its prompt, written to data/scenarios/. */
import { expectDefined } from '../../src/shared/expect.ts';
import { AUTH, BEN, BT, CF, CIPH, DAN, FL, FMT, JA, PI, RS, STD_CLASSES, type AttackClass } from './plan.ts';
import { rngFor } from './random.ts';
import {
  BENIGN_PROMPTS,
  CF_OPENERS,
  DAN_OPENERS,
  FL_TEMPLATES,
  PI_HTML,
  promptFor,
  req,
  TOPICS,
} from './text.ts';

export interface Scenario {
  id: string;
  attack_class: string;
  /** Single-turn scenarios. */
  prompt?: string;
  /** Multi-turn scenarios: the user turns. */
  turns?: { role: string; text: string }[];
  description: string;
  /** What the harmful request is about; null for a benign control. */
  topic: string | null;
  /** jailbreak_archaeology: when the jailbreak was archived. */
  era?: string;
}

/** The scenarios by id, and the pools (named lists of ids) the runs draw from. */
export class Scenarios {
  private readonly byId = new Map<string, Scenario>();
  private readonly pools = new Map<string, string[]>();

  add(pool: string, s: Scenario): void {
    this.byId.set(s.id, s);
    const ids = this.pools.get(pool);
    if (ids) ids.push(s.id);
    else this.pools.set(pool, [s.id]);
  }

  get(id: string): Scenario {
    return expectDefined(this.byId.get(id), `scenario ${id}`);
  }

  /** The ids of a pool, in the order they were added. */
  pool(name: string): string[] {
    return expectDefined(this.pools.get(name), `scenario pool ${name}`);
  }

  /** Pool names, in the order they were first used. */
  poolNames(): string[] {
    return [...this.pools.keys()];
  }
}

const CLASS_CODE: Record<string, string> = {
  [DAN]: 'DAN',
  [RS]: 'RS',
  [FMT]: 'FMT',
  [AUTH]: 'AUTH',
  [PI]: 'PI',
  [CIPH]: 'CIPH',
};
export const pad = (n: number, w = 3): string => String(n).padStart(w, '0');
const ARCHIVE_NAMES = ['DAN 6.0', 'AIM', 'Developer Mode v2', 'Evil Confidant', 'STAN'];
const LOCK_FORMATS = ['JSON array', 'markdown table', 'XML', 'Python dict', 'bash heredoc'];

/** Every scenario of the demo, from the `scenarios` random stream. */
export function buildScenarios(): Scenarios {
  const scenarios = new Scenarios();
  const addScenario = (pool: string, s: Scenario) => scenarios.add(pool, s);
  const rng = rngFor('scenarios');
  const describe = (cls: string, topic: string) => `${cls.replace(/_/g, ' ')}: ${topic}`;
  // benchmark_traces: 40 per class plus 10 benign controls
  for (const cls of [DAN, RS, FMT, AUTH, PI, CIPH]) {
    for (let i = 1; i <= 40; i++) {
      const topic = rng.pick(TOPICS);
      const id = `BT-${CLASS_CODE[cls]}-${pad(i)}`;
      const prompt = cls === PI && i === 13 ? PI_HTML(req(topic)) : promptFor(cls, topic, rng);
      addScenario(BT, { id, attack_class: cls, prompt, description: describe(cls, topic), topic });
    }
  }
  BENIGN_PROMPTS.forEach((prompt, i) =>
    addScenario(`${BT}/benign`, {
      id: `BT-BENIGN-${pad(i + 1)}`,
      attack_class: BEN,
      prompt,
      description: 'benign control question (expected verdict BENIGN_QUERY)',
      topic: null,
    }),
  );
  // jailbreak_archaeology: historical persona jailbreaks, shared by the JSONL run and the database
  for (let i = 1; i <= 40; i++) {
    const topic = rng.pick(TOPICS);
    addScenario(JA, {
      id: `JA-DAN-${pad(i)}`,
      attack_class: DAN,
      prompt: `${expectDefined(DAN_OPENERS[(i - 1) % DAN_OPENERS.length], 'a DAN opener')}\n\n${req(topic)}`,
      description: `${ARCHIVE_NAMES[(i - 1) % 5]} (archived ${2022 + ((i - 1) % 3)}): ${topic}`,
      era: `${2022 + ((i - 1) % 3)}-Q${1 + ((i - 1) % 4)}`,
      topic,
    });
  }
  // crescendo_frontier_s24: multi-turn escalation
  for (let i = 1; i <= 12; i++) {
    const topic = rng.pick(TOPICS);
    const turns = rng
      .pick(CF_OPENERS)(topic)
      .map((text) => ({ role: 'user', text }));
    addScenario(CF, {
      id: `CF-S24-${pad(i)}`,
      attack_class: 'crescendo',
      turns,
      description: `multi-turn crescendo, ${turns.length} user turns: ${topic}`,
      topic,
    });
  }
  // format_lock_sweep
  for (let i = 1; i <= 20; i++) {
    const topic = rng.pick(TOPICS);
    addScenario(FL, {
      id: `FL-${pad(i)}`,
      attack_class: FMT,
      prompt: expectDefined(
        FL_TEMPLATES[(i - 1) % FL_TEMPLATES.length],
        'a format-lock template',
      )(req(topic)),
      description: `format lock (${LOCK_FORMATS[(i - 1) % 5]}): ${topic}`,
      topic,
    });
  }
  // the standard corpus of the dilution experiment
  let k = 0;
  for (const [cls, count] of STD_CLASSES) {
    for (let i = 0; i < count; i++) {
      k++;
      const topic = rng.pick(TOPICS);
      addScenario(`std/${cls}`, {
        id: `FF-STD-${pad(k)}`,
        attack_class: cls,
        prompt: promptFor(cls, topic, rng),
        description: `standard corpus, ${cls.replace(/_/g, ' ')}: ${topic}`,
        topic,
      });
    }
  }
  // prompts that live only in the corpus database
  const dbPools: [string, string, AttackClass, number][] = [
    ['db/obliteratus_runs/refusal_suppression', 'OBL-RS', RS, 50],
    ['db/advbench_subset/prompt_injection', 'ADV-PI', PI, 40],
    ['db/advbench_subset/refusal_suppression', 'ADV-RS', RS, 20],
    ['db/advbench_subset/cipher_encoding', 'ADV-CIPH', CIPH, 20],
    ['db/advbench_subset/authority_gradient', 'ADV-AUTH', AUTH, 20],
  ];
  for (const [pool, prefix, cls, count] of dbPools) {
    for (let i = 1; i <= count; i++) {
      const topic = rng.pick(TOPICS);
      addScenario(pool, {
        id: `${prefix}-${pad(i)}`,
        attack_class: cls,
        prompt: promptFor(cls, topic, rng),
        description: describe(cls, topic),
        topic,
      });
    }
  }
  return scenarios;
}
