// --data-dir: checked and loaded at start, then written by the writer thread (writer.ts).
// A directory the proxy cannot write is the user's to fix (one line, exit 2); a store it cannot
// read is moved aside with one warning and the proxy starts with an empty history, so that a
// damaged file never becomes a crash loop.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { UsageError } from '../cli/errors.ts';
import { DATABASE_FILE, openDatabase, readState, writeMeta, type StoredState } from './database.ts';
import { WATCHED_MARK_FILE, readWatchedMark } from './watched-mark.ts';
import type { Batch, Bounds, WriterData, WriterReply, WriterRequest } from './writer.ts';

// The writer thread's module sits beside this one: writer.ts among the sources, writer.mjs beside a
// bundle (scripts/bundle.ts), whose import.meta.url is the bundle's.
const WRITER = new URL(import.meta.url.endsWith('.ts') ? './writer.ts' : './writer.mjs', import.meta.url);
const SIDE_FILES = ['', '-wal', '-shm'];

export interface Loaded {
  state: StoredState;
  /** Where an unreadable store was moved, if one was. */
  movedAside: string | null;
  /** Until when the last run watched, even when it could not write its history (watched-mark.ts). */
  watchedUntil: number | null;
}

/** Fails with a one-line UsageError when the directory cannot be created or written. */
function checkWritable(dir: string): void {
  const probe = join(dir, `.write-test-${process.pid}`);
  try {
    // Pod names and messages: readable by the proxy's user only, when the proxy creates it.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(`cannot write the data directory ${dir}: ${e.code ?? e.message}`);
  }
}

/** SQLITE_IOERR (its extended codes too) and SQLITE_FULL: the disk failed, not the file. */
const cannotWrite = (err: unknown) => [10, 13].includes(((err as { errcode?: number }).errcode ?? 0) & 0xff);

/** Renames the database and its WAL files to podreasons.<time>.unreadable.db*, which SQLite can still open. */
function moveAside(dir: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = join(dir, `podreasons.${stamp}.unreadable.db`);
  for (const suffix of SIDE_FILES) {
    const from = join(dir, DATABASE_FILE + suffix);
    if (existsSync(from)) {
      renameSync(from, target + suffix);
    }
  }
  return target;
}

function load(file: string, scope: string): StoredState {
  const db = openDatabase(file);
  try {
    const state = readState(db);
    // Until this run has written the answers of its own first list, a later start must not
    // take missing answers for new pods.
    writeMeta(db, {
      created: String(state.meta.created),
      answersComplete: '0',
      scope,
    });
    return state;
  } finally {
    db.close();
  }
}

export class DataDir {
  readonly dir: string;
  /** Why the last write failed (disk full, damage found while running); null while writing works. */
  failure: string | null = null;
  /** Failed write attempts since the start (each retry counts). */
  writeFailures = 0;
  /** Bytes in use, and transitions on disk, after the last write. */
  bytes = 0;
  transitions = 0;
  private readonly worker: Worker;
  private readonly log: Logger;
  private nextId = 1;
  private closing: Promise<void> | undefined;
  private exited = false;
  /** The writer thread is gone: nothing is written any more. */
  private stopped = false;
  private readonly waiting = new Map<number, () => void>();

  private constructor(dir: string, bounds: Bounds, log: Logger) {
    this.dir = dir;
    this.log = log;
    this.worker = new Worker(WRITER, {
      workerData: {
        file: join(dir, DATABASE_FILE),
        markFile: join(dir, WATCHED_MARK_FILE),
        bounds,
      } satisfies WriterData,
    });
    this.worker.on('message', (reply: WriterReply) => {
      if (reply.type === 'written') {
        this.written(reply);
      } else if (reply.type === 'failed') {
        this.writeFailures++;
        this.fail(reply.message, reply.retryInMs);
      }
    });
    this.worker.on('error', (err) => this.stop(err.message));
    this.worker.once('exit', () => {
      this.exited = true;
      if (!this.closing) {
        this.stop('the writer stopped');
      }
    });
  }

  /**
   * Checks and loads the directory (created when missing). `scope` names what this run watches:
   * answers persisted for another scope are not compared with.
   */
  static open(dir: string, bounds: Bounds, scope: string, log: Logger): { dataDir: DataDir } & Loaded {
    checkWritable(dir);
    const file = join(dir, DATABASE_FILE);
    let movedAside: string | null = null;
    let state: StoredState;
    try {
      state = load(file, scope);
    } catch (err) {
      if (cannotWrite(err)) {
        // A full disk is no damage: the store stays where it is for a start with space.
        throw new UsageError(`cannot write the data directory ${dir}: ${(err as Error).message}`);
      }
      movedAside = moveAside(dir);
      log.warn(
        { dataDir: dir, movedTo: movedAside, err: (err as Error).message },
        'the stored history cannot be read: moved aside, starting with an empty history'
      );
      state = load(file, scope);
    }
    const watchedUntil = readWatchedMark(join(dir, WATCHED_MARK_FILE));
    return { dataDir: new DataDir(dir, bounds, log), state, movedAside, watchedUntil };
  }

  private written(reply: Extract<WriterReply, { type: 'written' }>): void {
    this.bytes = reply.bytes;
    this.transitions = reply.transitions;
    if (this.failure) {
      this.log.info({ dataDir: this.dir }, 'writing the data directory again');
      this.failure = null;
    }
    // A batch written after a failure holds every batch sent before it.
    for (const [id, done] of this.waiting) {
      if (id <= reply.id) {
        done();
        this.waiting.delete(id);
      }
    }
  }

  /** Logs the first failure of a run of them; the writer keeps the batch and retries. */
  private fail(message: string, retryInMs: number | null): void {
    if (!this.failure) {
      this.log.error(
        { dataDir: this.dir, err: message, retryInMs },
        'cannot write the data directory: history is kept in memory until it can'
      );
    }
    this.failure = message;
    for (const done of this.waiting.values()) {
      done();
    }
    this.waiting.clear();
  }

  private stop(message: string): void {
    this.stopped = true;
    this.fail(message, null);
  }

  /**
   * Queues one batch; the promise resolves once it is committed, at once while writing fails
   * (the writer keeps the batch until it can write it).
   */
  write(batch: Omit<Batch, 'id'>): Promise<void> {
    if (this.stopped || this.closing) {
      return Promise.resolve();
    }
    const id = this.nextId++;
    this.worker.postMessage({ type: 'batch', batch: { ...batch, id } } satisfies WriterRequest);
    if (this.failure) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.waiting.set(id, resolve));
  }

  /** Commits what was sent, checkpoints the WAL and stops the writer. */
  close(): Promise<void> {
    this.closing ??= this.exited
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          this.worker.once('exit', () => resolve());
          this.worker.postMessage({ type: 'close' } satisfies WriterRequest);
        });
    return this.closing;
  }
}
