// The few API server requests the proxy makes (paged lists, watches, access reviews, version), sent
// with node:https. @kubernetes/client-node supplies the kubeconfig, the credentials (exec and auth
// plugins included), TLS and proxy agents through KubeConfig.applyToHTTPSOptions. Its generated API
// classes and its fetch-based Watch are not used: they load every generated model and a second HTTP
// stack (undici) and turn each listed object into model instances, which is most of the memory a
// proxy with few pods would use.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { withoutManagedFields } from './managed-fields.ts';

/** A non-2xx answer; `code` is the HTTP status (also what client-node's errors carry). */
export class KubeApiError extends Error {
  readonly code: number;
  readonly statusCode: number;

  constructor(method: string, path: string, status: number, body: string) {
    super(`${method} ${path}: HTTP ${status}${statusMessage(body)}`);
    this.code = this.statusCode = status;
  }
}

/** The message of a Kubernetes Status body, if the body is one. */
function statusMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' && message ? `: ${message}` : '';
  } catch {
    return body ? `: ${body.slice(0, 200)}` : '';
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

/**
 * Accept headers for metadata only (PartialObjectMetadata): name, namespace, labels and
 * ownerReferences of each object, without spec or status, for lists and for watches.
 */
export const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
export const METADATA = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
const JSON_TYPE = 'application/json';

function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') {
      params.set(key, String(value));
    }
  }
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

function timeoutError(): Error {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

export class KubeClient {
  readonly kubeConfig: KubeConfig;

  constructor(kubeConfig: KubeConfig) {
    this.kubeConfig = kubeConfig;
  }

  get server(): string {
    return this.kubeConfig.getCurrentCluster()?.server ?? '';
  }

  /** Sends one request; resolves with the response once its headers arrived. */
  private async send(
    method: string,
    path: string,
    body: string | undefined,
    signal: AbortSignal | undefined,
    accept = JSON_TYPE
  ): Promise<IncomingMessage> {
    const server = this.server;
    if (!server) {
      throw new Error('the kubeconfig has no current cluster');
    }
    const url = new URL(path, server);
    // Credentials may rotate (exec plugins, projected tokens), so they are asked for per request.
    const opts: RequestOptions = { method, headers: { Accept: accept } };
    await this.kubeConfig.applyToHTTPSOptions(opts);
    if (body !== undefined) {
      opts.headers = { ...opts.headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
    }
    signal?.throwIfAborted();
    // Plain http only where the kubeconfig allows it (skipTLSVerify); client-node then gives an http.Agent.
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { ...opts, signal }, resolve);
      req.on('error', reject);
      req.end(body);
    });
  }

  private async json<T>(method: string, path: string, body?: object, accept?: string): Promise<T> {
    const res = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body), undefined, accept);
    res.setEncoding('utf8');
    let text = '';
    for await (const chunk of res) {
      text += chunk;
    }
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) {
      throw new KubeApiError(method, path, status, text);
    }
    return JSON.parse(withoutManagedFields(text)) as T;
  }

  get<T>(path: string, query: Query = {}, accept?: string): Promise<T> {
    return this.json<T>('GET', withQuery(path, query), undefined, accept);
  }

  post<T>(path: string, body: object): Promise<T> {
    return this.json<T>('POST', path, body);
  }

  /**
   * A watch stream: `onEvent` per JSON line, `onDone` once when it ends (null: closed by the server
   * or by abort()), with a TimeoutError when nothing arrived for `silenceMs`. Resolves with the
   * controller that ends it once the server has answered: not yet ended, the watch is open (200).
   */
  async watch<T>(
    path: string,
    query: Query,
    silenceMs: number,
    onEvent: (type: string, object: T) => void,
    onDone: (err: Error | null) => void,
    accept?: string
  ): Promise<AbortController> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let ended = false;
    const end = (err: Error | null) => {
      if (ended) {
        return;
      }
      ended = true;
      clearTimeout(timer);
      controller.abort();
      onDone(err);
    };
    const quiet = () => {
      clearTimeout(timer);
      timer = setTimeout(() => end(timeoutError()), silenceMs);
      timer.unref();
    };
    quiet();
    let res: IncomingMessage;
    try {
      res = await this.send('GET', withQuery(path, { ...query, watch: true }), undefined, controller.signal, accept);
    } catch (err) {
      end(controller.signal.aborted && !ended ? null : (err as Error));
      return controller;
    }
    const status = res.statusCode ?? 0;
    if (status !== 200) {
      // Ended before it resolves: a caller that sees it resolve unended knows the watch is open.
      const text = await new Promise<string>((resolve) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        for (const last of ['end', 'error', 'close']) {
          res.on(last, () => resolve(body));
        }
      });
      end(new KubeApiError('GET', path, status, text));
      return controller;
    }
    res.setEncoding('utf8');
    // The unfinished last line, in pieces: a large object spans many chunks, and joining it anew at
    // each one would cost the square of its size.
    let partial: string[] = [];
    res.on('data', (chunk: string) => {
      quiet();
      partial.push(chunk);
      if (!chunk.includes('\n')) {
        return;
      }
      const lines = partial.join('').split('\n');
      partial = [lines.pop()!];
      for (const line of lines) {
        if (ended) {
          return;
        }
        if (!line) {
          continue;
        }
        let event: { type?: unknown; object: T };
        try {
          event = JSON.parse(withoutManagedFields(line)) as typeof event;
        } catch {
          end(new Error(`watch ${path}: a line that is not JSON`));
          return;
        }
        onEvent(String(event.type), event.object);
      }
    });
    res.on('end', () => end(null));
    // An abort() by the caller also lands here, as an error of the aborted request.
    res.on('error', (err) => end(controller.signal.aborted ? null : err));
    res.on('close', () => end(null));
    return controller;
  }
}

/** The interface of client-node's Watch (requestTimeoutMs: inactivity limit), over KubeClient.watch. */
export class Watch {
  requestTimeoutMs = 30_000;
  private readonly client: KubeClient;

  constructor(kubeConfig: KubeConfig) {
    this.client = new KubeClient(kubeConfig);
  }

  watch<T>(
    path: string,
    query: Query,
    callback: (type: string, object: T) => void,
    done: (err: Error | null) => void,
    accept?: string
  ): Promise<AbortController> {
    return this.client.watch(path, query, this.requestTimeoutMs, callback, done, accept);
  }
}
