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
import type { Batch, Bounds, WriterData, WriterReply, WriterRequest } from './writer.ts';

// The writer thread's module sits beside this one: writer.ts among the sources, writer.mjs beside a
// bundle (scripts/bundle.ts), whose import.meta.url is the bundle's.
const WRITER = new URL(import.meta.url.endsWith('.ts') ? './writer.ts' : './writer.mjs', import.meta.url);
const SIDE_FILES = ['', '-wal', '-shm'];

export interface Loaded {
  state: StoredState;
  /** Where an unreadable store was moved, if one was. */
  movedAside: string | null;
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
  /** Why writing stopped (disk full, damage found while running); null while it works. */
  failure: string | null = null;
  /** Bytes in use, and transitions on disk, after the last write. */
  bytes = 0;
  transitions = 0;
  private readonly worker: Worker;
  private readonly log: Logger;
  private nextId = 1;
  private closing: Promise<void> | undefined;
  private exited = false;
  private readonly waiting = new Map<number, () => void>();

  private constructor(dir: string, bounds: Bounds, log: Logger) {
    this.dir = dir;
    this.log = log;
    this.worker = new Worker(WRITER, {
      workerData: { file: join(dir, DATABASE_FILE), bounds } satisfies WriterData,
    });
    this.worker.on('message', (reply: WriterReply) => {
      if (reply.type === 'written') {
        this.bytes = reply.bytes;
        this.transitions = reply.transitions;
        this.waiting.get(reply.id)?.();
        this.waiting.delete(reply.id);
      } else if (reply.type === 'failed') {
        this.fail(reply.message);
      }
    });
    this.worker.on('error', (err) => this.fail(err.message));
    this.worker.once('exit', () => {
      this.exited = true;
      if (!this.closing) {
        this.fail('the writer stopped');
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
      movedAside = moveAside(dir);
      log.warn(
        { dataDir: dir, movedTo: movedAside, err: (err as Error).message },
        'the stored history cannot be read: moved aside, starting with an empty history'
      );
      state = load(file, scope);
    }
    return { dataDir: new DataDir(dir, bounds, log), state, movedAside };
  }

  private fail(message: string): void {
    if (this.failure) {
      return;
    }
    this.failure = message;
    this.log.error(
      { dataDir: this.dir, err: message },
      'cannot write the data directory: history is kept in memory only'
    );
    for (const done of this.waiting.values()) {
      done();
    }
    this.waiting.clear();
  }

  /** Queues one batch; the promise resolves once it is committed (or writing failed). */
  write(batch: Omit<Batch, 'id'>): Promise<void> {
    if (this.failure || this.closing) {
      return Promise.resolve();
    }
    const id = this.nextId++;
    const written = new Promise<void>((resolve) => this.waiting.set(id, resolve));
    this.worker.postMessage({ type: 'batch', batch: { ...batch, id } } satisfies WriterRequest);
    return written;
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
