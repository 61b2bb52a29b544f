// Helm, built from its Go module and cached under .cache/ like the API server harness, for the
// chart's tests (tests/stack/deploy.test.ts).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { goBuild } from './go-build.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = join(root, '.cache');

const HELM_MODULE = 'helm.sh/helm/v3';
const HELM_VERSION = 'v3.22.0';
// As Helm's Makefile sets them: its version, and the Kubernetes version of its client-go (v0.37)
// for .Capabilities.KubeVersion and the deprecation checks of `helm lint`.
const LDFLAGS = [
  '-s -w',
  `-X ${HELM_MODULE}/internal/version.version=${HELM_VERSION}`,
  `-X ${HELM_MODULE}/internal/version.metadata=`,
  ...['pkg/lint/rules', 'pkg/chartutil'].flatMap((pkg) => [
    `-X ${HELM_MODULE}/${pkg}.k8sVersionMajor=1`,
    `-X ${HELM_MODULE}/${pkg}.k8sVersionMinor=37`,
  ]),
].join(' ');

/** The module's source, downloaded into the Go module cache; its directory there is read-only. */
async function downloadModule(): Promise<string> {
  const { stdout } = await promisify(execFile)('go', ['mod', 'download', '-json', `${HELM_MODULE}@${HELM_VERSION}`], {
    maxBuffer: 1024 * 1024,
  }).catch((err: { stdout?: string; message: string }) => {
    const reason = err.stdout ? JSON.parse(err.stdout).Error : err.message;
    throw new Error(`go mod download ${HELM_MODULE}@${HELM_VERSION} failed: ${reason}`);
  });
  return JSON.parse(stdout).Dir;
}

/** The helm binary for HELM_VERSION and LDFLAGS, built when missing. */
export async function ensureHelmBinary(log: (line: string) => void = () => {}): Promise<string> {
  const key = createHash('sha256').update(`${HELM_MODULE}@${HELM_VERSION} ${LDFLAGS}`).digest('hex').slice(0, 12);
  const binary = join(cacheDir, `helm-${HELM_VERSION}-${key}`);
  if (existsSync(binary)) {
    return binary;
  }
  mkdirSync(cacheDir, { recursive: true });
  log(`building Helm ${HELM_VERSION} from its Go module (a cold build takes a few minutes)…`);
  // `go build` runs in a writable copy: Go may not build a main module inside the module cache.
  const source = mkdtempSync(join(cacheDir, 'helm-source-'));
  try {
    cpSync(await downloadModule(), source, { recursive: true });
    for (const entry of ['', ...readdirSync(source, { recursive: true, encoding: 'utf8' })]) {
      chmodSync(join(source, entry), 0o755);
    }
    const partial = `${binary}.partial`;
    await goBuild({
      what: `Helm ${HELM_VERSION}`,
      cwd: source,
      args: ['build', '-ldflags', LDFLAGS, '-o', partial, './cmd/helm'],
      log,
    });
    renameSync(partial, binary);
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
  return binary;
}

/** Runs helm with a configuration of its own (no repositories, plugins or kubeconfig of the user). */
export async function helm(args: string[], log?: (line: string) => void): Promise<{ stdout: string; stderr: string }> {
  const binary = await ensureHelmBinary(log);
  const home = join(cacheDir, 'helm-home');
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    KUBECONFIG: join(home, 'no-kubeconfig'),
  };
  try {
    return await promisify(execFile)(binary, args, { env, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`helm ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
  }
}
