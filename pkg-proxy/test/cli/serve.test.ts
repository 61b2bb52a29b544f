// `podreasons serve` refuses what it cannot use with one line and exit code 2, before it listens.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/podreasons.ts', import.meta.url));

function serve(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, 'serve', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 10_000,
  });
  return { code: r.status, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'podreasons-serve-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('serve: bad configuration', () => {
  const cases: Array<[what: string, args: string[], env: Record<string, string>, message: RegExp]> = [
    ['a malformed --listen', ['--listen', 'localhost'], {}, /--listen.*expected HOST:PORT/],
    ['a kubeconfig that does not exist', ['--kubeconfig', '/nonexistent/kubeconfig'], {}, /kubeconfig not found/],
    [
      'no Kubernetes configuration at all',
      [],
      { HOME: '/nonexistent', KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' },
      /no Kubernetes configuration/,
    ],
    ['an unreadable token file', ['--token-file', '/nonexistent/token'], {}, /cannot read the token file/],
    ['an empty token file', ['--token-file', file('empty', '')], {}, /token file .* \(--token-file\) is empty/],
    ['a token file of whitespace', ['--token-file', file('blank', ' \n\t\n')], {}, /\(--token-file\) is empty/],
    ['an empty PODREASONS_TOKEN_FILE', [], { PODREASONS_TOKEN_FILE: '' }, /--token-file is empty/],
    ['an empty PODREASONS_TOKEN', [], { PODREASONS_TOKEN: '' }, /PODREASONS_TOKEN is set but empty/],
    ['a PODREASONS_TOKEN of whitespace', [], { PODREASONS_TOKEN: '  \n' }, /PODREASONS_TOKEN is set but empty/],
    [
      'an empty metrics token file',
      ['--metrics-token-file', file('empty-metrics', '\n')],
      {},
      /metrics token file .* \(--metrics-token-file\) is empty/,
    ],
    [
      'an empty PODREASONS_METRICS_TOKEN',
      [],
      { PODREASONS_METRICS_TOKEN: ' ' },
      /PODREASONS_METRICS_TOKEN is set but empty/,
    ],
    ['--tls-cert without --tls-key', ['--tls-cert', '/nonexistent/cert'], {}, /--tls-cert and --tls-key go together/],
    ['a bad duration', ['--tombstone-max-age', 'forever'], {}, /expected a duration/],
    ['an unknown log level', ['--log-level', 'loud'], {}, /log-level/],
  ];
  for (const [what, args, env, message] of cases) {
    it(`${what}: one line, exit 2`, () => {
      const r = serve(args, env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    });
  }
});
