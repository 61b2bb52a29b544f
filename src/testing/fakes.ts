import type { BackendSrv, BackendSrvRequest, FetchResponse } from '@grafana/runtime';
import { Observable, of, throwError } from 'rxjs';

/** What the fake Grafana data proxy answers for one request. */
export interface Reply {
  status: number;
  data: unknown;
}

export const ok = (data: unknown): Reply => ({ status: 200, data });

/**
 * A BackendSrv whose fetch answers from `reply` and remembers each URL. Failures take the shape
 * Grafana's BackendSrv gives them (a FetchError).
 */
export function fakeBackendSrv(reply: (url: URL) => Reply) {
  const requests: URL[] = [];
  const srv = {
    fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
      const url = new URL(options.url, 'http://grafana.test');
      requests.push(url);
      const { status, data } = reply(url);
      if (status >= 400) {
        return throwError(() => ({ status, data, statusText: '', config: options }));
      }
      return of({ data, status, ok: true, config: options } as unknown as FetchResponse<T>);
    },
  } as BackendSrv;
  return { srv, requests };
}

/** A WebSocket stand-in: tests push messages and closes, and see whether the code closed it. */
export class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  readonly url: string;
  closed = false;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;

  constructor(url: string) {
    this.url = url;
    FakeWebSocket.instances.push(this);
  }

  static latest(): FakeWebSocket {
    return FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
  }

  close() {
    this.closed = true;
  }

  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  drop(code: number, reason = '') {
    this.onclose?.({ code, reason });
  }
}
