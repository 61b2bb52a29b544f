import { DataSourceInstanceSettings } from '@grafana/data';
import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { catchError, lastValueFrom, map, Observable, throwError } from 'rxjs';

import {
  ErrorResponse,
  PodsResponse,
  SeriesResponse,
  StatusResponse,
  SummaryResponse,
  TransitionsResponse,
  ValueKind,
  ValuesResponse,
} from '../pkg-proxy/src/contract';
import { PodReasonsOptions } from './types';

/** The route in plugin.json: Grafana's data proxy sends `<url>/podreasons/...` to the proxy with the token. */
const ROUTE = 'podreasons';

/** Grafana's data proxy answers a 401 from upstream with this 400 (pkg/api/pluginproxy/ds_proxy.go). */
const GRAFANA_AUTH_FAILED = 'Authentication to data source failed';

export const TOKEN_REJECTED =
  'The proxy rejected the token: set the token the proxy was started with (--token-file or PODREASONS_TOKEN).';

/** A failed proxy call, with a message a dashboard user can act on. */
export class ProxyError extends Error {
  readonly status?: number;

  constructor(message: string, status?: number) {
    super(message);
    this.name = 'ProxyError';
    this.status = status;
  }
}

/**
 * The proxy's HTTP API through Grafana's data proxy. Panel queries return Observables so that
 * unsubscribing (a newer query, a closed panel) cancels the HTTP request.
 */
export class Api {
  private readonly baseUrl: string;
  private readonly proxyUrl?: string;

  constructor(instanceSettings: Pick<DataSourceInstanceSettings<PodReasonsOptions>, 'url' | 'jsonData'>) {
    this.baseUrl = `${instanceSettings.url}/${ROUTE}/api/v1`;
    this.proxyUrl = instanceSettings.jsonData.proxyUrl;
  }

  pods(params: URLSearchParams): Observable<PodsResponse> {
    return this.get('pods', params);
  }

  summary(params: URLSearchParams): Observable<SummaryResponse> {
    return this.get('summary', params);
  }

  transitions(params: URLSearchParams): Observable<TransitionsResponse> {
    return this.get('transitions', params);
  }

  series(params: URLSearchParams): Observable<SeriesResponse> {
    return this.get('series', params);
  }

  /** Values for pickers and template variables; `namespaces` narrows kind "pods". */
  async values(kind: ValueKind, namespaces: string[] = []): Promise<string[]> {
    const params = new URLSearchParams();
    if (kind === 'pods') {
      namespaces.forEach((namespace) => params.append('namespace', namespace));
    }
    const response = await lastValueFrom(this.get<ValuesResponse>(`values/${kind}`, params));
    return response.values;
  }

  status(): Promise<StatusResponse> {
    return lastValueFrom(this.get<StatusResponse>('status', new URLSearchParams()));
  }

  /**
   * The WebSocket URL of /stream on this page's Grafana; the route adds the token to the upgrade.
   * Grafana's page sets `<base href>` to its sub path, which the data source URL is relative to, as
   * for every request Grafana itself sends (no Grafana version-specific setting is needed).
   */
  streamUrl(params: URLSearchParams): string {
    const url = new URL(`${this.baseUrl.replace(/^\//, '')}/stream?${params}`, document.baseURI);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.toString();
  }

  private get<T>(path: string, params: URLSearchParams): Observable<T> {
    const query = params.toString();
    return getBackendSrv()
      .fetch<T>({ url: `${this.baseUrl}/${path}${query ? `?${query}` : ''}`, showErrorAlert: false })
      .pipe(
        map((response) => response.data),
        catchError((error) => throwError(() => toProxyError(error, this.proxyUrl)))
      );
  }
}

/** One line for any failure of a proxy call, whether the proxy or Grafana's data proxy answered. */
export function toProxyError(error: unknown, proxyUrl?: string): ProxyError {
  if (!isFetchError(error)) {
    return new ProxyError(error instanceof Error ? error.message : String(error));
  }
  return new ProxyError(describeFailure(error.status, error.data, error.statusText, proxyUrl), error.status);
}

function describeFailure(status: number, data: unknown, statusText = '', proxyUrl?: string): string {
  const detail = errorText(data) || statusText;
  const at = proxyUrl ? ` at ${proxyUrl}` : '';
  switch (status) {
    case 400: {
      const { parameter, error } = (data ?? {}) as Partial<ErrorResponse>;
      if (parameter) {
        return `Invalid ${parameter}: ${error}`;
      }
      return detail === GRAFANA_AUTH_FAILED ? TOKEN_REJECTED : `Bad request: ${detail}`;
    }
    case 401:
      return TOKEN_REJECTED;
    case 403:
      return `Grafana denied access to the data source proxy${detail ? `: ${detail}` : ''}`;
    case 404:
      return `Not found${at}: is the proxy URL a Pod Reasons proxy?${detail ? ` (${detail})` : ''}`;
    case 502:
      return `Grafana cannot reach the proxy${at}: check the URL and that the proxy is running.`;
    case 504:
      return `The proxy${at} did not answer in time.`;
    default:
      return `The proxy${at} answered ${status}${detail ? `: ${detail}` : ''}`;
  }
}

/** The proxy writes `{"error": ...}`, Grafana `{"message": ...}` or plain text. */
function errorText(data: unknown): string {
  if (typeof data === 'string') {
    return data.trim();
  }
  if (data && typeof data === 'object') {
    const { error, message } = data as { error?: unknown; message?: unknown };
    return String(error ?? message ?? '');
  }
  return '';
}
