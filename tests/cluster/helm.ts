// Helm, built from its Go module and cached under .cache/ like the API server harness, for the
// chart's tests (tests/stack/deploy.test.ts).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, ensureGoModuleBinary, type GoModuleCommand } from './go-module.ts';

const HELM_MODULE = 'helm.sh/helm/v3';
const HELM_VERSION = 'v3.22.0';

const HELM: GoModuleCommand = {
  name: 'helm',
  module: HELM_MODULE,
  version: HELM_VERSION,
  pkg: './cmd/helm',
  // As Helm's Makefile sets them: its version, and the Kubernetes version of its client-go (v0.37)
  // for .Capabilities.KubeVersion and the deprecation checks of `helm lint`.
  ldflags: [
    '-s -w',
    `-X ${HELM_MODULE}/internal/version.version=${HELM_VERSION}`,
    `-X ${HELM_MODULE}/internal/version.metadata=`,
    ...['pkg/lint/rules', 'pkg/chartutil'].flatMap((pkg) => [
      `-X ${HELM_MODULE}/${pkg}.k8sVersionMajor=1`,
      `-X ${HELM_MODULE}/${pkg}.k8sVersionMinor=37`,
    ]),
  ].join(' '),
};

/** The helm binary, built when missing. */
export function ensureHelmBinary(log: (line: string) => void = () => {}): Promise<string> {
  return ensureGoModuleBinary(HELM, log);
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
