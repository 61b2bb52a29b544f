import { after, describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import {
  closeSync,
  existsSync,
  openSync,
  writeSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { UsageError } from '../../src/cli/errors.ts';
import { toPodInput } from '../../src/engine/index.ts';
import { DataDir } from '../../src/persist/data-dir.ts';
import { DATABASE_FILE, openDatabase } from '../../src/persist/database.ts';
import { DatabaseSync } from '../../src/persist/sqlite.ts';
import { Persistence } from '../../src/persist/persistence.ts';
import type { Bounds } from '../../src/persist/writer.ts';
import { PodStore, type PodView, type Transition } from '../../src/store/store.ts';
import { T0, pod, podConditions, waiting } from '../fixtures/k8s.ts';

const root = mkdtempSync(join(tmpdir(), 'podreasons-persist-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `d${dirs++}`);

const BOUNDS: Bounds = { historyMaxCount: 100, tombstoneMaxCount: 10, tombstoneMaxAgeMs: 3_600_000, maxBytes: 2 ** 30 };
const SCOPE = 'null';

function logLines() {
  const lines: any[] = [];
  return { lines, log: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }) };
}

const crashLooping = (name: string) =>
  pod({ name, containerStatuses: [waiting('app', 'CrashLoopBackOff')], conditions: podConditions(false) });

/** A store fed from a data directory, persisted into it, as serve() wires them. */
function open(dir: string, bounds = BOUNDS, now = () => T0) {
  const { dataDir, state, movedAside } = DataDir.open(dir, bounds, SCOPE, logLines().log);
  const store = new PodStore({ now, historyMaxCount: bounds.historyMaxCount });
  store.restore(state);
  const persistence = new Persistence({
    store,
    dataDir,
    previousAnswers: state.answers,
    synced: () => true,
    watching: () => true,
    now,
  });
  return { store, state, persistence, dataDir, movedAside };
}

describe('the data directory', () => {
  test('transitions, tombstones and answers come back after a restart, and the history is not counted again', async () => {
    const dir = freshDir();
    const first = open(dir);
    first.store.replacePods([toPodInput(pod({ name: 'web' })), toPodInput(pod({ name: 'db' }))], null);
    first.store.applyPod('MODIFIED', crashLooping('web'));
    first.store.applyPod('DELETED', crashLooping('db'));
    await first.persistence.close();

    const second = open(dir);
    assert.deepEqual(
      second.state.transitions.map((t) => [t.pod, t.reason, t.deleted, t.recovered]),
      [
        ['web', 'CrashLoopBackOff', false, false],
        ['db', 'CrashLoopBackOff', true, false],
      ]
    );
    assert.deepEqual(
      second.state.tombstones.map((v) => [v.answer.name, v.deleted]),
      [['db', true]]
    );
    assert.deepEqual(
      [...second.state.answers],
      [
        [
          'uid-shop-web',
          {
            reason: 'CrashLoopBackOff',
            abnormal: true,
            workloadKind: 'Pod',
            workload: 'web',
            nodepool: '',
            capacityType: '',
          },
        ],
      ]
    );
    const { created, ...meta } = second.state.meta;
    assert.deepEqual(meta, { lastSeen: T0, answersComplete: true, scope: SCOPE });
    assert.ok(created <= Date.now());
    const counted: Transition[] = [];
    second.store.on('transition', (t) => counted.push(t));
    assert.equal(second.store.transitions({}, 0, Infinity, 10).length, 2);
    assert.equal([...second.store.matchingPods({ includeDeleted: true })].length, 1);
    assert.equal(counted.length, 0);
    await second.persistence.close();
  });

  test('until a run has written the answers of its first lists, the next start does not compare with them', async () => {
    const dir = freshDir();
    const first = open(dir);
    first.store.replacePods([toPodInput(pod({ name: 'web' }))], null);
    await first.persistence.close();
    // The second run dies before its first sync is written.
    const second = DataDir.open(dir, BOUNDS, SCOPE, logLines().log);
    await second.dataDir.close();
    const third = DataDir.open(dir, BOUNDS, SCOPE, logLines().log);
    assert.equal(third.state.meta.answersComplete, false);
    await third.dataDir.close();
  });

  test('the history and the tombstones keep their bounds on disk, and the size bound drops the oldest transitions', async () => {
    const dir = freshDir();
    let now = T0;
    const bounds = { ...BOUNDS, historyMaxCount: 5, tombstoneMaxCount: 2 };
    const first = open(dir, bounds, () => now);
    for (let i = 0; i < 8; i++) {
      now += 1000;
      first.store.applyPod('DELETED', crashLooping(`p${i}`));
    }
    await first.persistence.close();
    const second = open(dir, { ...bounds, maxBytes: 1 }, () => now);
    assert.deepEqual(
      second.state.transitions.map((t) => t.pod),
      ['p3', 'p4', 'p5', 'p6', 'p7']
    );
    assert.deepEqual(
      second.state.tombstones.map((v: PodView) => v.answer.name),
      ['p6', 'p7']
    );
    // One byte allowed: every transition goes.
    await second.persistence.flush();
    await second.persistence.close();
    const third = open(dir);
    assert.equal(third.state.transitions.length, 0);
    await third.persistence.close();
  });

  test('a damaged store is moved aside with one warning, and the proxy starts with an empty history', async () => {
    const dir = freshDir();
    const first = open(dir);
    first.store.applyPod('DELETED', crashLooping('web'));
    await first.persistence.close();
    writeFileSync(join(dir, DATABASE_FILE), 'not a database, nor what was there before'.repeat(200));

    const { lines, log } = logLines();
    const { dataDir, state, movedAside } = DataDir.open(dir, BOUNDS, SCOPE, log);
    assert.equal(state.transitions.length, 0);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].level, 40);
    assert.match(lines[0].msg, /moved aside/);
    assert.ok(movedAside && existsSync(movedAside), 'the damaged file is kept');
    assert.ok(readdirSync(dir).some((f) => f.endsWith('.unreadable.db')));
    await dataDir.close();
  });

  test('a store written before workloads and node pools were recorded opens, with them unknown', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    // The file as the previous version wrote it: its schema, and rows without the new fields.
    const db = new DatabaseSync(join(dir, DATABASE_FILE));
    db.exec(`
      PRAGMA journal_mode = WAL;
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE transitions (id INTEGER PRIMARY KEY, time INTEGER NOT NULL, body TEXT NOT NULL);
      CREATE TABLE tombstones (uid TEXT PRIMARY KEY, deleted_at INTEGER NOT NULL, body TEXT NOT NULL);
      CREATE TABLE answers (uid TEXT PRIMARY KEY, reason TEXT NOT NULL, abnormal INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO answers VALUES ('uid-alive', 'Running', 0);
      PRAGMA user_version = 1;
    `);
    const old = { namespace: 'shop', uid: 'uid-old', node: 'node-a', reason: 'OOMKilled', category: 'container' };
    db.prepare('INSERT INTO transitions (time, body) VALUES (?, ?)').run(
      T0,
      JSON.stringify({ ...old, time: T0, pod: 'old', deleted: true, recovered: false })
    );
    db.prepare('INSERT INTO tombstones (uid, deleted_at, body) VALUES (?, ?, ?)').run(
      'uid-old',
      T0,
      JSON.stringify({ answer: { ...old, name: 'old' }, labels: {}, deleted: true, deletedAt: T0 })
    );
    db.close();

    const reopened = open(dir);
    const unknown = { workloadKind: '', workload: '', nodepool: '', capacityType: '' };
    assert.deepEqual(reopened.state.transitions[0], {
      ...unknown,
      ...old,
      time: T0,
      pod: 'old',
      deleted: true,
      recovered: false,
    });
    assert.deepEqual(reopened.state.tombstones[0].answer, { ...unknown, ...old, name: 'old' });
    assert.deepEqual(reopened.state.answers.get('uid-alive'), { reason: 'Running', abnormal: false, ...unknown });
    // New rows carry the fields; the old ones are still there beside them.
    reopened.store.applyPod('DELETED', crashLooping('new'));
    await reopened.persistence.close();
    const again = open(dir);
    assert.deepEqual(
      again.state.transitions.map((t) => [t.pod, t.workloadKind, t.workload]),
      [
        ['old', '', ''],
        ['new', 'Pod', 'new'],
      ]
    );
    await again.persistence.close();
    // The previous version still writes the upgraded file: it names only the columns it knows.
    const downgraded = openDatabase(join(dir, DATABASE_FILE));
    downgraded.prepare('INSERT INTO answers (uid, reason, abnormal) VALUES (?, ?, ?)').run('uid-later', 'Running', 0);
    downgraded.close();
  });

  test(
    'a full disk at start is one line for the user, and the store is not moved aside',
    { skip: process.getuid?.() !== 0 && 'mounting a tmpfs needs root' },
    async () => {
      const disk = mkdtempSync(join(root, 'disk-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk]);
      try {
        const dir = join(disk, 'data');
        const first = open(dir);
        first.store.applyPod('DELETED', crashLooping('web'));
        await first.persistence.close();
        const fd = openSync(join(disk, 'filler'), 'w');
        for (const size of [65_536, 4096, 1]) {
          try {
            for (;;) {
              writeSync(fd, Buffer.alloc(size));
            }
          } catch {
            // ENOSPC: the next, smaller size fills what is left
          }
        }
        closeSync(fd);
        const { lines, log } = logLines();
        assert.throws(
          () => DataDir.open(dir, BOUNDS, SCOPE, log),
          (err: Error) => err instanceof UsageError && /^cannot write the data directory .*: \S/.test(err.message)
        );
        assert.deepEqual(lines, []);
        assert.ok(!readdirSync(dir).some((f) => f.endsWith('.unreadable.db')), 'moved aside');
        rmSync(join(disk, 'filler'));
        const again = open(dir);
        assert.deepEqual(
          again.state.transitions.map((t) => t.pod),
          ['web']
        );
        await again.persistence.close();
      } finally {
        execFileSync('umount', [disk]);
      }
    }
  );

  test('a directory that cannot be written is one line for the user', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    assert.throws(
      () => DataDir.open(join(file, 'data'), BOUNDS, SCOPE, logLines().log),
      (err: Error) => err instanceof UsageError && /^cannot write the data directory .*: ENOTDIR$/.test(err.message)
    );
  });
});
