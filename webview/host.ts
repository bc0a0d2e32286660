/**
 * The page's side of the protocol: the VS Code webview API, typed requests with ids and timeouts.
 * The other side is a PageHost (src/protocol): the extension's panel, or the page's test double.
 */
import type { PageMethod, PageMethods, PageState, PageToHost } from '../src/protocol';

export interface VsCodeApi {
  postMessage(message: PageToHost): void;
  getState(): unknown;
  setState(state: PageState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export function vscodeApi(): VsCodeApi {
  return acquireVsCodeApi();
}

interface Pending {
  method: PageMethod;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class RequestError extends Error {
  constructor(
    readonly method: PageMethod,
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUTS: Record<PageMethod, number> = {
  traces: 30_000,
  traceDetail: 30_000,
  agreement: 30_000,
  openInEditor: 15_000,
  export: 120_000,
  savePng: 60_000,
  reanalyse: 300_000,
  setGrader: 30_000,
  // the researcher picks a file in a dialog meanwhile
  chooseComparison: 3_600_000,
  saveSnapshot: 3_600_000,
};

export class HostClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly api: VsCodeApi) {}

  post(message: PageToHost): void {
    this.api.postMessage(message);
  }

  log(level: 'info' | 'error', message: string): void {
    this.post({ type: 'log', level, message });
  }

  request<M extends PageMethod>(
    method: M,
    params: PageMethods[M]['params'],
    timeoutMs = TIMEOUTS[method],
  ): Promise<PageMethods[M]['result']> {
    const id = this.nextId++;
    return new Promise<PageMethods[M]['result']>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new RequestError(
            method,
            `${method}: no answer from the extension after ${Math.round(timeoutMs / 1000)} s`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      this.post({ type: 'request', id, method, params } as PageToHost);
    });
  }

  /** Settles the request a `response` answers; false when no request has that id (late or foreign). */
  settle(id: number, result: unknown, error: string | undefined): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (error !== undefined) p.reject(new RequestError(p.method, `${p.method}: ${error}`));
    else p.resolve(result);
    return true;
  }

  getState(): unknown {
    return this.api.getState();
  }

  setState(state: PageState): void {
    this.api.setState(state);
  }
}
