// The HTTP server: JSON API for the Grafana data source, a WebSocket stream, probes and /metrics.
import { createHash, timingSafeEqual } from 'node:crypto';
import { METHODS } from 'node:http';
import type { Socket } from 'node:net';
import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.ts';
import type { PodStore } from '../store/store.ts';
import {
  FILTER_PARAMS,
  POD_FILTER_PARAMS,
  STREAM_BAD_PARAMETER,
  STREAM_KINDS,
  type ErrorResponse,
  type StatusResponse,
} from '../contract/index.ts';
import { ParamError, oneOf, parseFilter, rejectUnknown, type Query } from './params.ts';
import { pods, series, summary, transitions, values } from './routes.ts';
import { DEFAULT_STREAM_LIMITS, StreamHub, closeReason, type StreamLimits } from './streams.ts';

export interface ServerOptions {
  store: PodStore;
  metrics: Metrics;
  log: Logger;
  /** Bearer token for everything but the probes and /metrics; none: open (loopback by default). */
  token?: string;
  /** Bearer token for /metrics; none: open. */
  metricsToken?: string;
  /** Why the proxy is not ready (syncing, pods unwatchable for too long), or undefined when it is. */
  notReady(): string | undefined;
  status(): StatusResponse;
  tls?: { cert: Buffer; key: Buffer };
  streamLimits?: StreamLimits;
}

/** The only routes that answer without a token. */
const PROBES = new Set(['/healthz', '/readyz']);

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Constant-time check of "Bearer <token>" (hashing first makes the lengths equal); the scheme is
 * case-insensitive (RFC 9110 §11.1).
 */
function authorized(header: string | undefined, token: string): boolean {
  const m = /^bearer +(\S+) *$/i.exec(header ?? '');
  return timingSafeEqual(digest(m ? m[1] : ''), digest(token));
}

const STREAM = '/api/v1/stream';
const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;

/**
 * Why an upgrade request cannot be a WebSocket here, as the status and one line; null when it can.
 * Checked before the WebSocket library sees it, which would answer in plain text (or switch
 * protocols on any route and close at once).
 */
function upgradeProblem(req: FastifyRequest, route: string | undefined): [number, string] | null {
  if (route !== STREAM) {
    return [400, `${req.url.split('?')[0]} is not a WebSocket endpoint (${STREAM} is)`];
  }
  if (req.method !== 'GET') {
    return [405, `method ${req.method} not allowed (allowed: GET, HEAD)`];
  }
  const h = req.headers;
  if (String(h.upgrade).toLowerCase() !== 'websocket') {
    return [400, 'bad WebSocket upgrade: the Upgrade header must be websocket'];
  }
  if (!WEBSOCKET_KEY.test(String(h['sec-websocket-key'] ?? '').trim())) {
    return [400, 'bad WebSocket upgrade: missing or invalid Sec-WebSocket-Key'];
  }
  if (!['8', '13'].includes(String(h['sec-websocket-version'] ?? ''))) {
    return [400, 'bad WebSocket upgrade: Sec-WebSocket-Version must be 13'];
  }
  return null;
}

/** Errors the Node HTTP parser raises before Fastify sees a request, in the API's error shape. */
function clientError(err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, text] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  // An answer to HEAD has no body.
  const body =
    Buffer.isBuffer(err.rawPacket) && err.rawPacket.subarray(0, 5).toString() === 'HEAD '
      ? ''
      : JSON.stringify({ error: text.toLowerCase() });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

export async function buildServer(opts: ServerOptions) {
  const { store, metrics } = opts;
  // A configured but empty token must never mean "open".
  if (opts.token?.trim() === '' || opts.metricsToken?.trim() === '') {
    throw new Error('an empty bearer token was configured');
  }
  const app = Fastify({
    loggerInstance: opts.log,
    // Grafana polls; request lines would drown the watch and error logs. Latencies are in /metrics.
    logController: new LogController({ disableRequestLogging: true }),
    https: opts.tls ?? null,
    clientErrorHandler: clientError,
    // Malformed percent-encoding and the like: the same one-line JSON as every other 400.
    frameworkErrors: (err, _req, reply) => {
      void (reply as FastifyReply).code(400).send({ error: `bad request: ${err.message}` });
    },
  });
  // Node would answer a missing Host itself, in plain text (it reads this server option per
  // request); the hook below answers it in JSON.
  (app.server as { requireHostHeader?: boolean }).requireHostHeader = false;
  await app.register(websocket);
  // Every method Node parses reaches the router: on a known path an unsupported one is a 405, not a 404.
  for (const method of METHODS) {
    if (!app.supportedMethods.includes(method) && method !== 'CONNECT') {
      app.addHttpMethod(method, { hasBody: true });
    }
  }
  const streams = new StreamHub(store, opts.streamLimits ?? DEFAULT_STREAM_LIMITS);

  // Authentication is decided on the route the router matched, after it decoded and normalised the
  // request target, so no spelling of a path (percent-encoding, absolute form) can skip it. Every
  // route but the probes needs a token, unmatched paths included.
  app.addHook('onRequest', async (req, reply) => {
    const route = req.routeOptions.url;
    if (req.raw.httpVersion === '1.1' && !req.headers.host) {
      return reply.code(400).send({ error: 'bad request: HTTP/1.1 needs a Host header' });
    }
    // An upgrade anywhere but the stream is refused before anything else: never a 101 on a probe.
    const upgrade = req.ws ? upgradeProblem(req, route) : null;
    if (upgrade && route !== STREAM) {
      return reply.code(upgrade[0]).send({ error: upgrade[1] });
    }
    if (route !== undefined && PROBES.has(route)) {
      return;
    }
    const token = route === '/metrics' ? opts.metricsToken : opts.token;
    if (token !== undefined && !authorized(req.headers.authorization, token)) {
      return reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer realm="podreasons"')
        .send({ error: 'missing or invalid bearer token' });
    }
    if (upgrade) {
      if (upgrade[0] === 405) {
        reply.header('Allow', 'GET, HEAD');
      }
      return reply.code(upgrade[0]).send({ error: upgrade[1] });
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000
    );
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof ParamError) {
      return reply.code(400).send({ error: err.message, parameter: err.parameter } satisfies ErrorResponse);
    }
    if (err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: err.message });
    }
    req.log.error({ err, url: req.url }, 'request failed');
    return reply.code(500).send({ error: 'internal error; see the proxy log' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `not found: ${req.url.split('?')[0]}` }));

  const query = (req: FastifyRequest) => req.query as Query;
  /** 405 with Allow for every other method on a path, answered before a body is read (or refused). */
  const notAllowed = (url: string, allow: string) =>
    app.route({
      method: app.supportedMethods.filter((m) => !allow.split(', ').includes(m)),
      url,
      onRequest: async (req, reply) =>
        reply
          .code(405)
          .header('Allow', allow)
          .send({ error: `method ${req.method} not allowed (allowed: ${allow})` }),
      handler: async () => undefined,
    });
  /** A GET route (Fastify adds HEAD). */
  const get = (url: string, handler: (req: FastifyRequest, reply: FastifyReply) => unknown) => {
    app.get(url, handler);
    notAllowed(url, 'GET, HEAD');
  };

  get('/healthz', async () => ({ status: 'ok' }));
  get('/readyz', async (_req, reply) => {
    const reason = opts.notReady();
    return reason === undefined ? { status: 'ready' } : reply.code(503).send({ status: reason });
  });
  get('/metrics', async (req, reply) => {
    rejectUnknown(query(req), []);
    reply.header('Content-Type', metrics.contentType);
    return metrics.render();
  });

  get('/api/v1/pods', async (req) => pods(store, query(req)));
  get('/api/v1/transitions', async (req) => transitions(store, query(req), Date.now()));
  get('/api/v1/summary', async (req) => summary(store, query(req)));
  get('/api/v1/series', async (req) => series(store, query(req)));
  get('/api/v1/values/:kind', async (req) => values(store, (req.params as { kind: string }).kind, query(req)));
  get('/api/v1/status', async (req) => {
    rejectUnknown(query(req), []);
    return opts.status();
  });

  app.route({
    method: 'GET',
    url: STREAM,
    // A plain GET (no Upgrade) is told what this endpoint is.
    handler: async (_req, reply) =>
      reply
        .code(426)
        .header('Upgrade', 'websocket')
        .send({ error: 'this endpoint is a WebSocket: send an Upgrade request' }),
    wsHandler: (socket, req) => {
      const q = query(req);
      try {
        const kind = oneOf(q, 'kind', STREAM_KINDS, 'pods');
        rejectUnknown(q, ['kind', ...(kind === 'pods' ? POD_FILTER_PARAMS : FILTER_PARAMS)]);
        const filter = parseFilter(q, kind === 'pods');
        if (kind === 'pods') {
          streams.addPods(socket, filter);
        } else {
          streams.addTransitions(socket, filter);
        }
      } catch (err) {
        if (!(err instanceof ParamError)) {
          req.log.error({ err, url: req.url }, 'stream failed');
        }
        socket.close(
          err instanceof ParamError ? STREAM_BAD_PARAMETER : 1011,
          err instanceof ParamError ? closeReason(err.message) : 'internal error'
        );
      }
    },
  });
  notAllowed(STREAM, 'GET, HEAD');

  return app;
}
