/**
 * Owns the workspace's index and its latest analysis: refreshes on start, on file changes
 * (debounced, one run at a time, a change during a run schedules one more), and on request.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ServerStatus } from '../protocol';
import type { Settings } from '../engine/settings';
import type { TraceIndex } from '../engine/index/traceIndex';
import { graderNotFound } from '../engine/analyse/join';
import { Workspace, type AnalysisRun } from '../engine/workspace';

export interface HostEvents {
  status(status: ServerStatus): void;
  /** A new analysis, and the status it is ready with (the `status` event with that status follows). */
  analysed(run: AnalysisRun, status: ServerStatus): void;
  log(message: string): void;
  info(message: string): void;
  /** Something the researcher should see (a chosen grader that graded nothing). */
  warn(message: string): void;
}

/**
 * Files change in bursts (a runner appending, a grader writing): wait this long for the burst to end.
 * Short, because the page is expected to follow a change within 250 ms (issue 8), and a change that
 * arrives during a run schedules exactly one more run: a longer burst costs a run, never a lost change.
 */
const DEBOUNCE_MS = 25;
/**
 * An index's progress goes out at most this often. Each status costs every client a status-bar
 * render and a message to the page, all while the change is on its way to the page: a refresh of a
 * file or two, reported in 5% steps of the folder's files, sent ~20 of them in its ~100 ms, which
 * the editor's processes rendered on the same two cores as the refresh.
 */
const PROGRESS_EVERY_MS = 200;
/** Folders watched directly at most (each is one inotify watch). */
const MAX_WATCHED_FOLDERS = 2000;

export class AnalysisHost {
  private workspace: Workspace;
  private current: AnalysisRun | null = null;
  private loop: Promise<void> | null = null;
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  /** Settings (or the lineage map) changed: analyse even when no run file did. */
  private settingsChanged = true;
  private generationCounter = 0;
  /** The folders of indexed files, watched directly (watchFolders). */
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private state: ServerStatus = {
    state: 'starting',
    traces: 0,
    problems: 0,
    generation: 0,
    analysedAt: null,
  };

  constructor(
    readonly root: string,
    private readonly indexPath: string | null,
    settings: Settings,
    private readonly events: HostEvents,
    /** The clock that spaces progress reports (a test's own). */
    private readonly now: () => number = Date.now,
  ) {
    this.workspace = new Workspace(root, { settings, indexPath, keepParsedSegments: true });
  }

  get run(): AnalysisRun | null {
    return this.current;
  }

  get status(): ServerStatus {
    return this.state;
  }

  get index(): TraceIndex {
    return this.workspace.traceIndex;
  }

  get settings(): Settings {
    return this.workspace.settings;
  }

  setSettings(settings: Settings): void {
    // The client announces the configuration at start-up too: only a real change re-analyses.
    if (JSON.stringify(settings) === JSON.stringify(this.workspace.settings)) return;
    this.workspace.setSettings(settings);
    this.settingsChanged = true;
    void this.refreshNow();
  }

  /** A file changed: refresh soon, once, whatever else changes meanwhile. */
  scheduleRefresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refreshNow();
    }, DEBOUNCE_MS);
  }

  /**
   * Refresh and analyse now, or right after the run in progress; the promise resolves once every
   * change requested so far is in the analysis.
   */
  refreshNow(): Promise<void> {
    this.dirty = true;
    this.loop ??= (async () => {
      try {
        while (this.dirty) {
          this.dirty = false;
          await this.cycle();
        }
      } finally {
        this.loop = null;
      }
    })();
    return this.loop;
  }

  private setStatus(patch: Partial<ServerStatus>): void {
    this.state = { ...this.state, ...patch };
    this.events.status(this.state);
  }

  private async cycle(): Promise<void> {
    const started = Date.now();
    try {
      let lastStep = 0;
      let lastSent = this.now();
      this.setStatus({ state: 'indexing', progress: 0, message: undefined });
      const report = await this.workspace.refresh((done, total) => {
        const pct = total === 0 ? 1 : done / total;
        const step = Math.floor(pct * 20);
        if (step === lastStep) return;
        const now = this.now();
        if (now - lastSent < PROGRESS_EVERY_MS) return;
        lastStep = step;
        lastSent = now;
        this.setStatus({ state: 'indexing', progress: pct });
      });
      this.watchFolders();
      for (const w of this.workspace.warnings.splice(0)) this.events.log(w);
      // Another process may have updated the index meanwhile: its generation tells.
      const moved =
        this.current !== null && this.current.generation !== this.workspace.traceIndex.generation();
      if (!report.changed && !moved && this.current && !this.settingsChanged) {
        this.setStatus({ state: 'ready', progress: undefined, lastRunMs: Date.now() - started });
        return;
      }
      this.settingsChanged = false;
      this.setStatus({ state: 'analysing', progress: undefined });
      const indexed = Date.now();
      const analysed = await this.workspace.analyseOrRebuild();
      const run = analysed.run;
      for (const w of this.workspace.warnings.splice(0)) this.events.log(w);
      this.current = run;
      const read = report.files.filter((f) => f.action !== 'unchanged').length;
      // Where the index's time went (the figures of `ff-lens analyze --timings`), for a slow run to be read.
      const t = this.workspace.timings;
      const ms = (x: number): string => x.toFixed(0);
      const parse = report.parse.map((p) => ms(p.ms)).join('+') || '0';
      this.events.info(
        `analysed ${run.document.inputs.traces.total} traces: index ${indexed - started} ms (${read} files read, ${(report.bytesRead / 1e6).toFixed(1)} MB, ${report.threads} worker threads; discovery ${ms(t.discoveryMs)}, parse ${parse}, writes ${ms(report.writeMs)}, join forward ${ms(t.followMs)} ms), analysis ${Date.now() - indexed} ms (join ${t.join} ${ms(t.joinMs)}, figures ${ms(t.analysisMs)} ms)`,
      );
      this.state = {
        ...this.state,
        state: 'ready',
        traces: run.document.inputs.traces.total,
        problems: run.document.inputs.problems.length,
        generation: this.nextGeneration(),
        analysedAt: run.document.generated_at,
        lastRunMs: Date.now() - started,
      };
      // The analysis goes out first, with its status: the page has it before the status alone.
      this.events.analysed(run, this.state);
      this.events.status(this.state);
      this.warnOfMissingGrader(run);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.events.log(`analysis failed: ${e instanceof Error ? (e.stack ?? message) : message}`);
      this.setStatus({ state: 'error', message, progress: undefined });
    }
  }

  /** The grader last warned of: once per setting, not at every file change. */
  private missingGraderWarned: string | null = null;

  private warnOfMissingGrader(run: AnalysisRun): void {
    const grader = this.workspace.settings.grader;
    const missing = grader !== null && run.document.inputs.traces.graded === 0;
    if (missing && this.missingGraderWarned !== grader)
      this.events.warn(
        `Failure-First Lens: ${graderNotFound(grader, run.traceSet.graders)} (failureFirst.grader).`,
      );
    this.missingGraderWarned = missing ? grader : null;
  }

  /** Generation of what the clients see: one more for every new analysis (index or settings change). */
  private nextGeneration(): number {
    return ++this.generationCounter;
  }

  /**
   * Watch the folders that hold indexed files directly (inotify through fs.watch): an append is heard
   * at once, not after the editor's file watcher and the language client's batching (~400 ms). New
   * folders still arrive through the client's workspace/didChangeWatchedFiles.
   */
  private watchFolders(): void {
    const wanted = new Set(this.workspace.files.map((f) => path.dirname(path.join(this.root, f.path))));
    for (const [dir, w] of this.watchers) {
      if (!wanted.has(dir)) {
        w.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (this.watchers.has(dir) || this.watchers.size >= MAX_WATCHED_FOLDERS) continue;
      try {
        const w = fs.watch(dir, { persistent: false }, () => this.scheduleRefresh());
        w.on('error', () => {
          w.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, w);
      } catch {
        // a folder that vanished or cannot be watched: the editor's watcher still reports it
      }
    }
  }

  close(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    if (this.timer) clearTimeout(this.timer);
    this.workspace.close();
  }
}
