// Live streams over WebSockets (`/api/v1/stream`): one subscription to the store fans out to every
// client, so that many streams neither multiply store listeners nor buffer without a bound.
import type { WebSocket } from 'ws';
import type { StreamMessage } from '../contract/index.ts';
import { matchesCommon, matchesPod, type Filter } from '../store/filters.ts';
import type { PodStore, PodView, Transition } from '../store/store.ts';
import { podItem, transitionItem } from './routes.ts';

export interface StreamLimits {
  /** A client whose unsent data passes this is closed (1013): it does not read. */
  maxBufferedBytesPerStream: number;
  /** Unsent data across all clients; past it the client being written to is closed. */
  maxBufferedBytesTotal: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxBufferedBytesPerStream: 8 * 1024 * 1024,
  maxBufferedBytesTotal: 64 * 1024 * 1024,
};

/** WebSocket close reasons are limited to 123 bytes of UTF-8: cut on a character boundary. */
export function closeReason(text: string): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= 123) {
    return text;
  }
  let end = 123;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) {
    end--;
  }
  return bytes.subarray(0, end).toString();
}

interface Client {
  socket: WebSocket;
  filter: Filter;
  /** kind=pods: the uids this client shows, so that a pod leaving the filter is removed. */
  shown?: Set<string>;
}

export class StreamHub {
  private readonly pods = new Set<Client>();
  private readonly transitions = new Set<Client>();
  /** Bytes written in the current dispatch, not yet reflected in bufferedAmount sums. */
  private total = 0;

  private readonly store: PodStore;
  private readonly limits: StreamLimits;

  constructor(store: PodStore, limits: StreamLimits = DEFAULT_STREAM_LIMITS) {
    this.store = store;
    this.limits = limits;
    store.on('upsert', (v) => this.dispatch(this.pods, (c) => this.podChanged(c, v, false)));
    store.on('delete', (v) => this.dispatch(this.pods, (c) => this.podChanged(c, v, true)));
    store.on('transition', (t) => this.dispatch(this.transitions, (c) => this.transitionAdded(c, t)));
  }

  addPods(socket: WebSocket, filter: Filter): void {
    const snapshot = [...this.store.matchingPods(filter)];
    const client: Client = { socket, filter, shown: new Set(snapshot.map((v) => v.answer.uid)) };
    this.add(this.pods, client);
    this.total = this.buffered();
    this.send(client, { type: 'snapshot', items: snapshot.map(podItem) });
  }

  addTransitions(socket: WebSocket, filter: Filter): void {
    this.add(this.transitions, { socket, filter });
  }

  private add(set: Set<Client>, client: Client): void {
    set.add(client);
    client.socket.on('close', () => set.delete(client));
  }

  private podChanged(c: Client, v: PodView, deleted: boolean): void {
    const uid = v.answer.uid;
    const matches = matchesPod(c.filter, v.answer, v.labels);
    if (deleted) {
      if (c.shown!.delete(uid) || matches) {
        this.send(c, { type: 'delete', item: podItem(v) });
      }
    } else if (matches) {
      c.shown!.add(uid);
      this.send(c, { type: 'upsert', item: podItem(v) });
    } else if (c.shown!.delete(uid)) {
      // Left the filter (e.g. healthy again): the client removes it.
      this.send(c, { type: 'delete', item: podItem(v) });
    }
  }

  private transitionAdded(c: Client, t: Transition): void {
    if (matchesCommon(c.filter, t, t.pod)) {
      this.send(c, { type: 'transition', item: transitionItem(t) });
    }
  }

  private buffered(): number {
    let sum = 0;
    for (const set of [this.pods, this.transitions]) {
      for (const c of set) {
        sum += c.socket.bufferedAmount;
      }
    }
    return sum;
  }

  private dispatch(clients: Set<Client>, deliver: (c: Client) => void): void {
    if (clients.size === 0) {
      return;
    }
    this.total = this.buffered();
    for (const c of clients) {
      deliver(c);
    }
  }

  private send(c: Client, msg: StreamMessage): void {
    if (c.socket.readyState !== c.socket.OPEN) {
      return;
    }
    if (c.socket.bufferedAmount > this.limits.maxBufferedBytesPerStream) {
      c.socket.close(1013, 'client too slow; reconnect');
      return;
    }
    const text = JSON.stringify(msg);
    if (this.total + text.length > this.limits.maxBufferedBytesTotal) {
      c.socket.close(1013, 'proxy stream buffers full; reconnect');
      return;
    }
    this.total += text.length;
    c.socket.send(text);
  }
}
