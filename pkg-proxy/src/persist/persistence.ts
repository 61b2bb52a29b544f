// Keeps --data-dir in step with the store: what changed is collected as it happens and handed to
// the writer thread once a second, so a SIGKILL loses at most about a second and the watch never
// waits for the disk.
import type { PodStore, Transition } from '../store/store.ts';
import type { DataDir } from './data-dir.ts';
import { knownAnswer, type KnownAnswer } from './database.ts';

const FLUSH_INTERVAL_MS = 1000;

export interface PersistenceOptions {
  store: PodStore;
  dataDir: DataDir;
  /** The answers the last run left: those of pods gone by the first sync are dropped then. */
  previousAnswers: ReadonlyMap<string, KnownAnswer>;
  /** Whether every pods watch is synced now: only then has the proxy seen everything up to now. */
  watching(): boolean;
  /** Whether the first list of every scope is in the store. */
  synced(): boolean;
  now?: () => number;
}

export class Persistence {
  private readonly opts: PersistenceOptions;
  private readonly now: () => number;
  private transitions: Transition[] = [];
  private readonly answers = new Map<string, KnownAnswer>();
  private readonly forget = new Set<string>();
  /** Pods whose tombstone may have changed: written as the store holds them at the flush. */
  private readonly tombstones = new Set<string>();
  private previousAnswers: ReadonlyMap<string, KnownAnswer> | null;
  private readonly timer: NodeJS.Timeout;

  constructor(opts: PersistenceOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.previousAnswers = opts.previousAnswers;
    const { store } = opts;
    store.on('transition', (t) => {
      this.transitions.push(t);
      // A transition settled by a late Event also completes the pod's tombstone.
      this.tombstones.add(t.uid);
    });
    store.on('upsert', (view) => {
      this.answers.set(view.answer.uid, knownAnswer(view.answer));
      this.forget.delete(view.answer.uid);
    });
    store.on('delete', (view) => {
      this.answers.delete(view.answer.uid);
      this.forget.add(view.answer.uid);
      if (view.answer.abnormal) {
        this.tombstones.add(view.answer.uid);
      }
    });
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Hands what changed since the last flush to the writer; resolves once it is on disk. */
  flush(): Promise<void> {
    const { store, dataDir } = this.opts;
    const now = this.now();
    const meta: Record<string, string> = {};
    if (this.opts.watching()) {
      meta.lastSeen = String(now);
    }
    if (this.previousAnswers && this.opts.synced()) {
      // Every pod of the first lists is in this batch: a later start may compare with all of them.
      meta.answersComplete = '1';
      const current = new Set<string>();
      for (const { view } of store.currentPods()) {
        current.add(view.answer.uid);
      }
      for (const uid of this.previousAnswers.keys()) {
        if (!current.has(uid)) {
          this.forget.add(uid);
        }
      }
      this.previousAnswers = null;
    }
    const answers: Array<[string, KnownAnswer]> = [];
    for (const [uid, a] of this.answers) {
      // Until its transition is recorded, the pod keeps its earlier answer on disk: killed now, the
      // next start still sees the change and recovers it.
      if (!store.isPending(uid)) {
        answers.push([uid, a]);
        this.answers.delete(uid);
      }
    }
    const tombstones = [...this.tombstones].flatMap((uid) => store.tombstone(uid) ?? []);
    const batch = {
      now,
      transitions: this.transitions,
      tombstones,
      answers,
      forget: [...this.forget],
      meta,
    };
    this.transitions = [];
    this.tombstones.clear();
    this.forget.clear();
    return dataDir.write(batch);
  }

  /** Writes what is left and closes the store. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await this.opts.dataDir.close();
  }
}
