// Until when the last run watched the pods, and so counted their transitions: a file of its own,
// rewritten in place, so that it needs no new space and stays true while the database cannot grow
// (a full disk), when the history's `lastSeen` stops moving. The next start counts only what it
// recovers after this mark (recovery.ts): what the last run counted is not counted again.
// (A copy-on-write filesystem may still refuse the write: the writer reports it like any other.)
import { closeSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';

export const WATCHED_MARK_FILE = 'podreasons.watched';
/** Epoch milliseconds, zero-padded: every write covers the same bytes. */
const WIDTH = 16;

/** Creates the file when it is missing, and reads it: null when it holds no time yet. */
export function readWatchedMark(file: string): number | null {
  let size = -1;
  try {
    size = statSync(file).size;
  } catch {
    // missing: created below
  }
  if (size !== WIDTH) {
    writeFileSync(file, '0'.repeat(WIDTH), { mode: 0o600 });
    return null;
  }
  const time = Number(readFileSync(file, 'utf8'));
  return Number.isSafeInteger(time) && time > 0 ? time : null;
}

export class WatchedMark {
  private readonly fd: number;

  constructor(file: string) {
    this.fd = openSync(file, 'r+');
  }

  write(time: number): void {
    writeSync(this.fd, String(time).padStart(WIDTH, '0'), 0);
  }

  close(): void {
    closeSync(this.fd);
  }
}
