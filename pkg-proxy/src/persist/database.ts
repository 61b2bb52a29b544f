// The on-disk layout of --data-dir: one SQLite database (node:sqlite, built into Node) in WAL mode.
// Why SQLite rather than an append-only journal: the proxy keeps keyed state that changes in place
// (the last answer of every pod, tombstones that expire) besides an append-only history; a journal
// needs compaction rewrites for that, SQLite updates and trims it in place and bounds the file by
// deleting rows. Measured in pkg-proxy/bench/RESULTS.md ("Persistence").
import type { PodAnswer } from '../contract/index.ts';
import type { PodView, Transition } from '../store/store.ts';
import { DatabaseSync, type Database } from './sqlite.ts';

export const DATABASE_FILE = 'podreasons.db';
const SCHEMA_VERSION = 1;

/**
 * What the proxy last knew of a pod: enough to tell, after a restart, whether it changed, and
 * whose it was and where it ran, should it be gone by then.
 */
export type KnownAnswer = Pick<
  PodAnswer,
  'reason' | 'abnormal' | 'workloadKind' | 'workload' | 'nodepool' | 'capacityType'
>;

export const knownAnswer = ({ reason, abnormal, workloadKind, workload, nodepool, capacityType }: PodAnswer) => ({
  reason,
  abnormal,
  workloadKind,
  workload,
  nodepool,
  capacityType,
});

/**
 * Columns of `answers` added after the first release, added in place when missing: a store keeps
 * its version, so that the version before them still opens it (and leaves them at their default).
 */
const ANSWER_PLACEMENT_COLUMNS = ['workload_kind', 'workload', 'nodepool', 'capacity_type'];

function addAnswerColumns(db: Database): void {
  const columns = db.prepare('PRAGMA table_info(answers)').all() as Array<{ name: string }>;
  for (const column of ANSWER_PLACEMENT_COLUMNS) {
    if (!columns.some((c) => c.name === column)) {
      db.exec(`ALTER TABLE answers ADD COLUMN ${column} TEXT NOT NULL DEFAULT ''`);
    }
  }
}

export interface StoredState {
  /** Oldest first. */
  transitions: Transition[];
  /** Oldest first. */
  tombstones: PodView[];
  answers: Map<string, KnownAnswer>;
  meta: Meta;
}

export interface Meta {
  /** When this store was created (epoch ms). */
  created: number;
  /** Until when (epoch ms) the proxy that wrote the store watched the pods without a gap. */
  lastSeen: number | null;
  /** The last run wrote the answer of every pod of its first list: a missing pod is a new pod. */
  answersComplete: boolean;
  /** The namespaces the last run watched (null: the cluster), as JSON. */
  scope: string;
}

/**
 * WAL with synchronous=NORMAL: a commit reaches the OS at once (a killed process loses nothing it
 * committed) and is synced to the disk at checkpoints; after a power loss the database is intact
 * but may miss its last commits. Incremental auto-vacuum lets trims give space back to the disk.
 */
export function openDatabase(file: string): Database {
  const db = new DatabaseSync(file);
  try {
    const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    if (version === 0) {
      db.exec(`
        PRAGMA auto_vacuum = INCREMENTAL;
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS transitions (id INTEGER PRIMARY KEY, time INTEGER NOT NULL, body TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS transitions_by_time ON transitions (time);
        CREATE TABLE IF NOT EXISTS tombstones (uid TEXT PRIMARY KEY, deleted_at INTEGER NOT NULL, body TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS tombstones_by_age ON tombstones (deleted_at);
        CREATE TABLE IF NOT EXISTS answers (uid TEXT PRIMARY KEY, reason TEXT NOT NULL, abnormal INTEGER NOT NULL) WITHOUT ROWID;
        PRAGMA user_version = ${SCHEMA_VERSION};
      `);
    } else if (version !== SCHEMA_VERSION) {
      throw new Error(`unknown store version ${version}`);
    }
    addAnswerColumns(db);
    db.exec('PRAGMA synchronous = NORMAL');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

const parse = <T>(body: string, valid: (v: T) => boolean, what: string): T => {
  const value = JSON.parse(body) as T;
  if (!valid(value)) {
    throw new Error(`malformed ${what}`);
  }
  return value;
};
/**
 * Rows keep JSON bodies, so fields added later need no new columns: rows written before workloads
 * and node pools were recorded read as unknown (''), and the file stays readable by that version.
 */
const UNKNOWN_PLACEMENT = { workloadKind: '', workload: '', nodepool: '', capacityType: '' };

const isTransition = (t: Transition) => typeof t?.time === 'number' && typeof t.uid === 'string';
const isTombstone = (v: PodView) => typeof v?.answer?.uid === 'string' && typeof v.deletedAt === 'number';

/** Reads everything, checking the file first; throws on any damage. */
export function readState(db: Database): StoredState {
  const check = db.prepare('PRAGMA quick_check').all() as Array<{ quick_check: string }>;
  if (check.length !== 1 || check[0].quick_check !== 'ok') {
    throw new Error(`damaged: ${check.map((r) => r.quick_check).join('; ')}`);
  }
  const rows = (sql: string) => db.prepare(sql).all() as Array<Record<string, string | number>>;
  const meta = new Map(rows('SELECT key, value FROM meta').map((r) => [r.key as string, r.value as string]));
  return {
    transitions: rows('SELECT body FROM transitions ORDER BY time, id').map((r) => ({
      ...UNKNOWN_PLACEMENT,
      ...parse(r.body as string, isTransition, 'transition'),
    })),
    tombstones: rows('SELECT body FROM tombstones ORDER BY deleted_at').map((r) => {
      const view = parse(r.body as string, isTombstone, 'tombstone');
      return { ...view, answer: { ...UNKNOWN_PLACEMENT, ...view.answer } };
    }),
    answers: new Map(
      rows('SELECT uid, reason, abnormal, workload_kind, workload, nodepool, capacity_type FROM answers').map((r) => [
        r.uid as string,
        {
          reason: r.reason as string,
          abnormal: r.abnormal === 1,
          workloadKind: r.workload_kind as string,
          workload: r.workload as string,
          nodepool: r.nodepool as string,
          capacityType: r.capacity_type as string,
        },
      ])
    ),
    meta: {
      created: Number(meta.get('created') ?? Date.now()),
      lastSeen: meta.has('lastSeen') ? Number(meta.get('lastSeen')) : null,
      answersComplete: meta.get('answersComplete') === '1',
      scope: meta.get('scope') ?? '',
    },
  };
}

export function writeMeta(db: Database, values: Record<string, string>): void {
  const put = db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'
  );
  for (const [key, value] of Object.entries(values)) {
    put.run(key, value);
  }
}
