import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';
import { Observable } from 'rxjs';

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A BackendSrv on the browser's fetch that stands in for Grafana's data proxy route: it sends
 * `<dsUrl>/podreasons/...` to `<proxyBase>/...` with the bearer token, and answers an unreachable
 * proxy with 502 as Grafana does.
 */
export function fetchBackendSrv(dsUrl: string, proxyBase: string, token?: string): BackendSrv {
  const route = `${dsUrl}/podreasons`;
  const fetchObservable = <T>(options: BackendSrvRequest) =>
    new Observable<FetchResponse<T>>((subscriber) => {
      const controller = new AbortController();
      const url = options.url.startsWith(route) ? proxyBase + options.url.slice(route.length) : options.url;
      const fail = (error: FetchError) => subscriber.error(error);
      fetch(url, {
        method: options.method ?? 'GET',
        headers: token ? { Authorization: `Bearer ${token}` } : {},
        signal: controller.signal,
      })
        .then(async (response) => {
          const data = parse(await response.text());
          if (!response.ok) {
            return fail({ status: response.status, statusText: response.statusText, data, config: options });
          }
          subscriber.next({
            data: data as T,
            status: response.status,
            statusText: response.statusText,
            ok: true,
            headers: response.headers,
            redirected: response.redirected,
            type: response.type,
            url,
            config: options,
          });
          subscriber.complete();
        })
        .catch((error: Error) => {
          if (!controller.signal.aborted) {
            fail({ status: 502, statusText: error.message, data: '', config: options });
          }
        });
      return () => controller.abort();
    });
  return { fetch: fetchObservable } as BackendSrv;
}
