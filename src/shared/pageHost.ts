/** Answering the page's requests with a PageHost: the extension's panel and the page's test double. Pure. */
import type { HostToPage, PageHost, PageMethod, PageMethods, PageRequest } from '../protocol';

function call<M extends PageMethod>(
  host: PageHost,
  request: PageRequest<M>,
): Promise<PageMethods[M]['result']> {
  const method: PageHost[M] = host[request.method];
  return method(request.params);
}

/** The `response` to a page request: the host method's result, or its error's message. */
export async function respond(host: PageHost, request: PageRequest & { id: number }): Promise<HostToPage> {
  try {
    return { type: 'response', id: request.id, result: await call(host, request) };
  } catch (e) {
    return { type: 'response', id: request.id, error: e instanceof Error ? e.message : String(e) };
  }
}
