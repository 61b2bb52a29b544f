import { DataQueryResponse, LoadingState } from '@grafana/data';
import { Subject } from 'rxjs';

import { PodItem, TransitionItem } from '../pkg-proxy/src/contract';
import { applyPodMessage, livePods, liveTransitions, mergeTransitions, socketMessages } from './stream';
import { FakeWebSocket } from './testing/fakes';
import { pod, transition } from './testing/samples';

const URL = 'ws://localhost/stream?kind=pods';

beforeEach(() => {
  FakeWebSocket.instances = [];
  Object.assign(global, { WebSocket: FakeWebSocket });
});

afterEach(() => {
  jest.useRealTimers();
});

/** Subscribes and keeps what arrives. */
function collect<T>(source: { subscribe: Function }) {
  const values: T[] = [];
  const errors: Error[] = [];
  const subscription = source.subscribe({ next: (v: T) => values.push(v), error: (e: Error) => errors.push(e) });
  return { values, errors, subscription };
}

const podNames = (response: DataQueryResponse) =>
  response.data[0].fields.find((f: { name: string }) => f.name === 'pod').values;

describe('socketMessages', () => {
  it('opens one socket, parses messages and closes the socket on unsubscribe', () => {
    const { values, subscription } = collect(socketMessages(URL));
    const socket = FakeWebSocket.latest();
    expect(socket.url).toBe(URL);
    socket.receive({ type: 'upsert', item: { uid: 'u' } });
    expect(values).toEqual([{ type: 'upsert', item: { uid: 'u' } }]);
    subscription.unsubscribe();
    expect(socket.closed).toBe(true);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('stops at once on a bad parameter (close code 4400)', () => {
    const { errors } = collect(socketMessages(URL));
    FakeWebSocket.latest().drop(4400, 'unknown category "x"');
    expect(errors.map((e) => e.message)).toEqual(['Invalid live query: unknown category "x"']);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('reconnects a dropped stream with growing pauses, then reports the failure', () => {
    jest.useFakeTimers();
    const { errors } = collect(socketMessages(URL));
    for (let attempt = 0; attempt < 5; attempt++) {
      FakeWebSocket.latest().drop(1006);
      jest.advanceTimersByTime(1000 * 2 ** attempt);
      expect(FakeWebSocket.instances).toHaveLength(attempt + 2);
    }
    FakeWebSocket.latest().drop(1006);
    expect(errors.map((e) => e.message)).toEqual([
      'Live updates stopped: the stream to the proxy closed (code 1006). Refresh to reconnect.',
    ]);
  });

  it('reports a message that is not JSON', () => {
    const { errors } = collect(socketMessages(URL));
    FakeWebSocket.latest().onmessage?.({ data: 'nope' });
    expect(errors.map((e) => e.message)).toEqual(['The live stream sent a message that is not JSON.']);
  });
});

describe('applyPodMessage', () => {
  const a = pod({ uid: 'a', name: 'a' });
  const b = pod({ uid: 'b', name: 'b' });
  const start = new Map([['a', a]]);

  it('replaces everything with a snapshot and adds or updates on upsert', () => {
    expect([...applyPodMessage(start, { type: 'snapshot', items: [b] }, false).keys()]).toEqual(['b']);
    const updated = pod({ uid: 'a', name: 'a', reason: 'OOMKilled' });
    expect(applyPodMessage(start, { type: 'upsert', item: updated }, false).get('a')).toBe(updated);
    expect(start.get('a')).toBe(a);
  });

  it('drops a deleted pod unless the query includes deleted ones', () => {
    const tombstone = { ...a, deleted: true };
    expect(applyPodMessage(start, { type: 'delete', item: tombstone }, false).size).toBe(0);
    expect(applyPodMessage(start, { type: 'delete', item: tombstone }, true).get('a')).toBe(tombstone);
  });

  it('drops a deleted healthy pod, and one that no longer matches, even with deleted pods included', () => {
    const healthyGone: PodItem = { ...a, reason: 'Running', category: 'healthy', abnormal: false, deleted: true };
    expect(applyPodMessage(start, { type: 'delete', item: healthyGone }, true).size).toBe(0);
    const noLongerMatching = { ...a, reason: 'Running', abnormal: false };
    expect(applyPodMessage(start, { type: 'delete', item: noLongerMatching }, true).size).toBe(0);
  });
});

describe('livePods', () => {
  it('emits a sorted, limited table in the Streaming state for each change', () => {
    const { values, subscription } = collect<DataQueryResponse>(livePods(URL, { refId: 'A', limit: 2 }));
    const socket = FakeWebSocket.latest();
    socket.receive({
      type: 'snapshot',
      items: [
        pod({ uid: '3', name: 'c' }),
        pod({ uid: '1', name: 'a' }),
        pod({ uid: '2', namespace: 'default', name: 'z' }),
      ],
    });
    socket.receive({ type: 'delete', item: pod({ uid: '2' }) });
    expect(values.map((response) => [response.key, response.state])).toEqual([
      ['A', LoadingState.Streaming],
      ['A', LoadingState.Streaming],
    ]);
    expect(podNames(values[0])).toEqual(['z', 'a']);
    expect(values[0].data[0].meta.notices[0].text).toBe('Showing 2 of 3 pods: narrow the filters or raise the limit.');
    expect(podNames(values[1])).toEqual(['a', 'c']);
    subscription.unsubscribe();
    expect(socket.closed).toBe(true);
  });
});

describe('mergeTransitions', () => {
  it('sorts newest first, drops duplicates and keeps at most the limit', () => {
    const old = transition({ time: '2026-11-28T07:00:00Z' });
    const newer = transition({ time: '2026-11-28T09:00:00Z' });
    const middle = transition({ time: '2026-11-28T08:00:00Z' });
    expect(mergeTransitions([middle, old], [newer, middle], 10)).toEqual([newer, middle, old]);
    expect(mergeTransitions([middle, old], [newer], 2)).toEqual([newer, middle]);
  });
});

describe('liveTransitions', () => {
  it('shows the range loaded over HTTP plus each new transition, and closes the socket', () => {
    const initial = new Subject<TransitionItem[]>();
    const { values, subscription } = collect<DataQueryResponse>(liveTransitions(URL, { refId: 'T' }, initial));
    const socket = FakeWebSocket.latest();
    socket.receive({ type: 'transition', item: transition({ pod: 'new', time: '2026-11-28T09:00:00Z' }) });
    initial.next([transition({ pod: 'old' })]);
    initial.complete();
    expect(values.map((response) => response.state)).toEqual([LoadingState.Streaming, LoadingState.Streaming]);
    expect(podNames(values[1])).toEqual(['new', 'old']);
    subscription.unsubscribe();
    expect(socket.closed).toBe(true);
  });

  it('ignores pod messages', () => {
    const { values } = collect<DataQueryResponse>(liveTransitions(URL, { refId: 'T' }, new Subject()));
    FakeWebSocket.latest().receive({ type: 'upsert', item: pod() as PodItem });
    expect(values).toEqual([]);
  });
});
