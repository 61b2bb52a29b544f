// `podreasons serve` refuses what it cannot use with one line and exit code 2, before it listens.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
