// The database writer, in a worker thread of its own: node:sqlite is synchronous, and a commit or a
// WAL checkpoint (an fsync) must never hold up the thread that reads the watches. The main thread
// sends a batch about once a second (persistence.ts); each batch is one transaction, followed by
// the trims that keep the store within its bounds. A batch that cannot be written (a full disk) is
// kept, merged with the next ones, and retried with backoff until it can.
import { parentPort, workerData } from 'node:worker_threads';
import type { PodView, Transition } from '../store/store.ts';
import { openDatabase, writeMeta, type KnownAnswer } from './database.ts';
import { WATCHED_MARK_FILE, WatchedMark } from './watched-mark.ts';

export interface Bounds {
  historyMaxCount: number;
  tombstoneMaxCount: number;
  tombstoneMaxAgeMs: number;
  maxBytes: number;
}

export interface WriterData {
  file: string;
  /** The watched-until mark (watched-mark.ts), written before the batch that carries `lastSeen`. */
  markFile: string;
  bounds: Bounds;
}

export interface Batch {
  id: number;
  now: number;
  transitions: Transition[];
  tombstones: PodView[];
  /** [uid, reason, abnormal] */
  answers: Array<[uid: string, answer: KnownAnswer]>;
  /** Pods that are gone: their answers are dropped. */
  forget: string[];
  meta: Record<string, string>;
}

export type WriterRequest = { type: 'batch'; batch: Batch } | { type: 'close' };
export type WriterReply =
  | { type: 'written'; id: number; bytes: number; transitions: number }
  | { type: 'failed'; message: string; retryInMs: number }
  | { type: 'closed' };

const { file, markFile, bounds } = workerData as WriterData;
const port = parentPort!;
const db = openDatabase(file);
const mark = new WatchedMark(markFile);

const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const pragma = (name: string) => (db.prepare(`PRAGMA ${name}`).get() as Record<string, number>)[name];
/** Bytes the database's pages hold (free pages are reused, then given back by incremental_vacuum). */
const usedBytes = () => (pragma('page_count') - pragma('freelist_count')) * pragma('page_size');

const insertTransition = db.prepare('INSERT INTO transitions (time, body) VALUES (?, ?)');
const putTombstone = db.prepare(
  'INSERT INTO tombstones (uid, deleted_at, body) VALUES (?, ?, ?) ON CONFLICT (uid) DO UPDATE SET deleted_at = excluded.deleted_at, body = excluded.body'
);
const putAnswer = db.prepare(
  `INSERT INTO answers (uid, reason, abnormal, workload_kind, workload, nodepool, capacity_type) VALUES (?, ?, ?, ?, ?, ?, ?)
   ON CONFLICT (uid) DO UPDATE SET reason = excluded.reason, abnormal = excluded.abnormal, workload_kind = excluded.workload_kind,
   workload = excluded.workload, nodepool = excluded.nodepool, capacity_type = excluded.capacity_type`
);
const forgetAnswer = db.prepare('DELETE FROM answers WHERE uid = ?');
const dropOldestTransitions = db.prepare(
  'DELETE FROM transitions WHERE id IN (SELECT id FROM transitions ORDER BY time, id LIMIT ?)'
);
const dropOldTombstones = db.prepare('DELETE FROM tombstones WHERE deleted_at < ?');
const dropOldestTombstones = db.prepare(
  'DELETE FROM tombstones WHERE uid IN (SELECT uid FROM tombstones ORDER BY deleted_at LIMIT ?)'
);

let transitions = count('transitions');

function write(batch: Batch): void {
  const before = transitions;
  db.exec('BEGIN');
  try {
    for (const t of batch.transitions) {
      insertTransition.run(t.time, JSON.stringify(t));
    }
    transitions += batch.transitions.length;
    for (const view of batch.tombstones) {
      putTombstone.run(view.answer.uid, view.deletedAt, JSON.stringify(view));
    }
    for (const [uid, a] of batch.answers) {
      putAnswer.run(uid, a.reason, a.abnormal ? 1 : 0, a.workloadKind, a.workload, a.nodepool, a.capacityType);
    }
    for (const uid of batch.forget) {
      forgetAnswer.run(uid);
    }
    writeMeta(db, batch.meta);
    trim(batch.now);
    db.exec('COMMIT');
  } catch (err) {
    transitions = before;
    // SQLite rolls back by itself on some errors (SQLITE_FULL among them): a second ROLLBACK
    // would replace the real error with "no transaction is active".
    if (db.isTransaction) {
      db.exec('ROLLBACK');
    }
    throw err;
  }
}

/** The same bounds as in memory, plus the size bound: the oldest transitions go first. */
function trim(now: number): void {
  if (transitions > bounds.historyMaxCount) {
    dropOldestTransitions.run(transitions - bounds.historyMaxCount);
    transitions = bounds.historyMaxCount;
  }
  dropOldTombstones.run(now - bounds.tombstoneMaxAgeMs);
  const tombstones = count('tombstones');
  if (tombstones > bounds.tombstoneMaxCount) {
    dropOldestTombstones.run(tombstones - bounds.tombstoneMaxCount);
  }
  let trimmed = false;
  while (transitions > 0 && usedBytes() > bounds.maxBytes) {
    const drop = Math.max(1, Math.ceil(transitions / 10));
    dropOldestTransitions.run(drop);
    transitions -= Math.min(drop, transitions);
    trimmed = true;
  }
  if (trimmed) {
    db.exec('PRAGMA incremental_vacuum');
  }
}

const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 60_000;

/**
 * One batch holding `next` on top of `into`, as writing both in turn would leave the store: the
 * later answer, forget or tombstone of a pod wins, and only what the bounds keep is kept.
 */
function merge(into: Batch, next: Batch): Batch {
  const answers = new Map(into.answers);
  const forget = new Set(into.forget);
  for (const [uid, answer] of next.answers) {
    forget.delete(uid);
    answers.set(uid, answer);
  }
  for (const uid of next.forget) {
    answers.delete(uid);
    forget.add(uid);
  }
  const tombstones = new Map(into.tombstones.map((v) => [v.answer.uid, v]));
  for (const view of next.tombstones) {
    tombstones.set(view.answer.uid, view);
  }
  return {
    id: next.id,
    now: next.now,
    transitions: [...into.transitions, ...next.transitions].slice(-bounds.historyMaxCount),
    tombstones: [...tombstones.values()]
      .sort((a, b) => (a.deletedAt ?? 0) - (b.deletedAt ?? 0))
      .slice(-bounds.tombstoneMaxCount),
    answers: [...answers],
    forget: [...forget],
    meta: { ...into.meta, ...next.meta },
  };
}

/** What is not written yet: the batch that failed, merged with those that came since. */
let unwritten: Batch | null = null;
let retryInMs = 0;
let retry: NodeJS.Timeout | undefined;

function writeUnwritten(): boolean {
  const batch = unwritten!;
  try {
    write(batch);
  } catch (err) {
    retryInMs = Math.min(RETRY_MAX_MS, Math.max(RETRY_FIRST_MS, retryInMs * 2));
    port.postMessage({ type: 'failed', message: (err as Error).message, retryInMs } satisfies WriterReply);
    return false;
  }
  unwritten = null;
  retryInMs = 0;
  port.postMessage({ type: 'written', id: batch.id, bytes: usedBytes(), transitions } satisfies WriterReply);
  return true;
}

function attempt(): void {
  retry = undefined;
  if (!writeUnwritten()) {
    retry = setTimeout(attempt, retryInMs);
  }
}

port.on('message', (msg: WriterRequest) => {
  if (msg.type === 'close') {
    clearTimeout(retry);
    if (!unwritten || writeUnwritten()) {
      try {
        db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      } catch {
        // The WAL keeps what it holds: the next start reads it.
      }
    }
    db.close();
    mark.close();
    port.postMessage({ type: 'closed' } satisfies WriterReply);
    port.close();
    return;
  }
  if (msg.batch.meta.lastSeen) {
    try {
      mark.write(Number(msg.batch.meta.lastSeen));
    } catch (err) {
      port.postMessage({
        type: 'failed',
        message: `${WATCHED_MARK_FILE}: ${(err as Error).message}`,
        retryInMs: 0,
      } satisfies WriterReply);
    }
  }
  unwritten = unwritten ? merge(unwritten, msg.batch) : msg.batch;
  if (!retry) {
    attempt();
  }
});
