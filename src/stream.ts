import { DataFrame, DataQueryResponse, LoadingState } from '@grafana/data';
import { filter, map, merge, Observable, retry, scan, throwError, timer } from 'rxjs';

import {
  compareNamespaceAndName,
  PodItem,
  STREAM_BAD_PARAMETER,
  StreamMessage,
  TransitionItem,
} from '../pkg-proxy/src/contract';
import { podsFrame, transitionsFrame } from './frames';
import { DEFAULT_LIMIT } from './query';
import { PodReasonsQuery } from './types';

const RECONNECTS = 5;

class StreamError extends Error {
  readonly final: boolean;

  constructor(message: string, final: boolean) {
    super(message);
    this.name = 'StreamError';
    this.final = final;
  }
}

/**
 * The parsed messages of one /stream WebSocket. Unsubscribing closes the socket; a dropped socket
 * is reopened a few times with growing pauses (the proxy restarting, say) before the error shows.
 */
export function socketMessages(url: string): Observable<StreamMessage> {
  const once = new Observable<StreamMessage>((subscriber) => {
    const socket = new WebSocket(url);
    socket.onmessage = (event: MessageEvent<string>) => {
      try {
        subscriber.next(JSON.parse(event.data));
      } catch {
        subscriber.error(new StreamError('The live stream sent a message that is not JSON.', true));
      }
    };
    socket.onclose = (event: CloseEvent) => {
      subscriber.error(
        // A bad parameter: retrying cannot help.
        event.code === STREAM_BAD_PARAMETER
          ? new StreamError(`Invalid live query: ${event.reason}`, true)
          : new StreamError(
              `Live updates stopped: the stream to the proxy closed (code ${event.code}${event.reason ? `, ${event.reason}` : ''}). Refresh to reconnect.`,
              false
            )
      );
    };
    return () => {
      socket.onmessage = null;
      socket.onclose = null;
      socket.close();
    };
  });
  return once.pipe(
    retry({
      count: RECONNECTS,
      resetOnSuccess: true,
      delay: (error: StreamError, attempt) =>
        error.final ? throwError(() => error) : timer(1000 * 2 ** (attempt - 1)),
    })
  );
}

/**
 * The pods table after one stream message. A `delete` removes the row (the pod is gone, or no longer
 * matches); the proxy keeps tombstones of abnormal pods only, so only those stay, and only when the
 * query includes deleted pods.
 */
export function applyPodMessage(
  pods: Map<string, PodItem>,
  message: StreamMessage,
  includeDeleted: boolean
): Map<string, PodItem> {
  switch (message.type) {
    case 'snapshot':
      return new Map(message.items.map((pod) => [pod.uid, pod]));
    case 'upsert':
      return new Map(pods).set(message.item.uid, message.item);
    case 'delete': {
      const next = new Map(pods);
      if (includeDeleted && message.item.deleted && message.item.abnormal) {
        next.set(message.item.uid, message.item);
      } else {
        next.delete(message.item.uid);
      }
      return next;
    }
    default:
      return pods;
  }
}

/** A live Pods table: a snapshot, then every change that matches the filters. */
export function livePods(url: string, query: PodReasonsQuery): Observable<DataQueryResponse> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  return socketMessages(url).pipe(
    filter((message) => message.type !== 'transition'),
    scan((pods, message) => applyPodMessage(pods, message, Boolean(query.includeDeleted)), new Map<string, PodItem>()),
    map((pods) => {
      const items = [...pods.values()].sort(compareNamespaceAndName);
      return streaming(query.refId, podsFrame(query.refId, items.slice(0, limit), items.length));
    })
  );
}

function transitionKey(item: TransitionItem): string {
  return `${item.uid}/${item.time}/${item.reason}`;
}

/** Adds transitions, newest first, without duplicates and at most `limit`. */
export function mergeTransitions(current: TransitionItem[], added: TransitionItem[], limit: number): TransitionItem[] {
  const unique = new Map([...current, ...added].map((item) => [transitionKey(item), item]));
  return [...unique.values()].sort((a, b) => Date.parse(b.time) - Date.parse(a.time)).slice(0, limit);
}

/**
 * A live Transitions table: the time range's transitions (`initial`, loaded while the socket opens,
 * so nothing falls between the two) plus each new one as it happens.
 */
export function liveTransitions(
  url: string,
  query: PodReasonsQuery,
  initial: Observable<TransitionItem[]>
): Observable<DataQueryResponse> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const added = socketMessages(url).pipe(
    filter((message) => message.type === 'transition'),
    map((message) => [message.item])
  );
  // The socket is subscribed first, so a transition during the HTTP request is not lost.
  return merge(added, initial).pipe(
    scan((items, batch) => mergeTransitions(items, batch, limit), [] as TransitionItem[]),
    map((items) => streaming(query.refId, transitionsFrame(query.refId, items)))
  );
}

function streaming(refId: string, frame: DataFrame): DataQueryResponse {
  return { key: refId, state: LoadingState.Streaming, data: [frame] };
}
