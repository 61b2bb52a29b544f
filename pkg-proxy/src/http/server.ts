// The HTTP server: JSON API for the Grafana data source, a WebSocket stream, probes and /metrics.
import { createHash, timingSafeEqual } from 'node:crypto';
import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.ts';
import { matchesCommon, matchesPod } from '../store/filters.ts';
import type { PodStore, PodView, Transition } from '../store/store.ts';
import {
  FILTER_PARAMS,
  POD_FILTER_PARAMS,
  ParamError,
  oneOf,
  parseFilter,
  rejectUnknown,
  type Query,
} from './params.ts';
import { podItem, pods, series, summary, transitionItem, transitions, values } from './routes.ts';

export interface ServerOptions {
  store: PodStore;
  metrics: Metrics;
  log: Logger;
  /** Bearer token for /api/v1; none: open (the proxy listens on loopback by default). */
  token?: string;
  /** Bearer token for /metrics; none: open. */
  metricsToken?: string;
  ready(): boolean;
  status(): object;
  tls?: { cert: Buffer; key: Buffer };
}

const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time check of "Bearer <token>" (hashing first makes the lengths equal). */
function authorized(header: string | undefined, token: string): boolean {
  const given = header?.startsWith('Bearer ') ? header.slice(7) : '';
  return timingSafeEqual(digest(given), digest(token));
}

export async function buildServer(opts: ServerOptions) {
  const { store, metrics } = opts;
  const app = Fastify({
    loggerInstance: opts.log,
    // Grafana polls; request lines would drown the watch and error logs. Latencies are in /metrics.
    logController: new LogController({ disableRequestLogging: true }),
    https: opts.tls ?? null,
  });
  await app.register(websocket);

  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0];
    const token = path === '/metrics' ? opts.metricsToken : path.startsWith('/api/') ? opts.token : undefined;
    if (token !== undefined && !authorized(req.headers.authorization, token)) {
      return reply.code(401).send({ error: 'missing or invalid bearer token' });
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
      return reply.code(400).send({ error: err.message, parameter: err.parameter });
    }
    if (err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: err.message });
    }
    req.log.error({ err, url: req.url }, 'request failed');
    return reply.code(500).send({ error: 'internal error; see the proxy log' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `not found: ${req.url.split('?')[0]}` }));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) =>
    opts.ready() ? { status: 'ready' } : reply.code(503).send({ status: 'syncing' })
  );
  app.get('/metrics', async (_req, reply) => {
    reply.header('Content-Type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  const query = (req: FastifyRequest) => req.query as Query;
  app.get('/api/v1/pods', async (req) => pods(store, query(req)));
  app.get('/api/v1/transitions', async (req) => transitions(store, query(req), Date.now()));
  app.get('/api/v1/summary', async (req) => summary(store, query(req)));
  app.get('/api/v1/series', async (req) => series(store, query(req)));
  app.get('/api/v1/values/:kind', async (req) => values(store, (req.params as { kind: string }).kind, query(req)));
  app.get('/api/v1/status', async () => opts.status());

  app.get('/api/v1/stream', { websocket: true }, (socket, req) => {
    const q = query(req);
    let unsubscribe: () => void;
    try {
      const kind = oneOf(q, 'kind', ['pods', 'transitions'] as const, 'pods');
      const known = kind === 'pods' ? POD_FILTER_PARAMS : FILTER_PARAMS;
      rejectUnknown(q, ['kind', ...known]);
      const filter = parseFilter(q, kind === 'pods');
      const send = (msg: object) => {
        // A client that does not read would otherwise make the proxy buffer without limit.
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          socket.close(1013, 'client too slow; reconnect');
        } else {
          socket.send(JSON.stringify(msg));
        }
      };
      if (kind === 'pods') {
        // The uids this client shows, so that a pod leaving the filter (e.g. healthy again) is removed.
        const shown = new Set<string>();
        const snapshot = [...store.matchingPods(filter)];
        for (const v of snapshot) {
          shown.add(v.answer.uid);
        }
        send({ type: 'snapshot', items: snapshot.map(podItem) });
        const onUpsert = (v: PodView) => {
          if (matchesPod(filter, v.answer, v.labels)) {
            shown.add(v.answer.uid);
            send({ type: 'upsert', item: podItem(v) });
          } else if (shown.delete(v.answer.uid)) {
            send({ type: 'delete', item: podItem(v) });
          }
        };
        const onDelete = (v: PodView) => {
          if (shown.delete(v.answer.uid) || matchesPod(filter, v.answer, v.labels)) {
            send({ type: 'delete', item: podItem(v) });
          }
        };
        store.on('upsert', onUpsert).on('delete', onDelete);
        unsubscribe = () => store.off('upsert', onUpsert).off('delete', onDelete);
      } else {
        const onTransition = (t: Transition) =>
          matchesCommon(filter, t, t.pod) && send({ type: 'transition', item: transitionItem(t) });
        store.on('transition', onTransition);
        unsubscribe = () => store.off('transition', onTransition);
      }
    } catch (err) {
      // WebSocket close reasons are limited to 123 bytes.
      const reason = err instanceof ParamError ? err.message.slice(0, 120) : 'internal error';
      socket.close(err instanceof ParamError ? 4400 : 1011, reason);
      return;
    }
    socket.on('close', () => unsubscribe());
  });

  return app;
}
