// A command of a published Go module (a real peer the tests and the benchmark run, e.g.
// kube-state-metrics), built from the module's source and cached under .cache/ by a hash of what
// decides the build.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { goBuild } from './go-build.ts';

export const cacheDir = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), '.cache');

export interface GoModuleCommand {
  /** Binary name prefix under .cache/, e.g. "kube-state-metrics". */
  name: string;
  module: string;
  version: string;
  /** The main package inside the module, e.g. "." or "./cmd/helm". */
  pkg: string;
  ldflags: string;
}

/** Downloads the module's source into the Go module cache (read-only there); returns its directory. */
export async function downloadModule(module: string, version: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('go', ['mod', 'download', '-json', `${module}@${version}`], {
      maxBuffer: 1024 * 1024,
    });
    return (JSON.parse(stdout) as { Dir: string }).Dir;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string };
    if (e.code === 'ENOENT') {
      throw new Error(`Go is not installed: building ${module} needs Go ≥ 1.26 on PATH`);
    }
    const reason = e.stdout ? (JSON.parse(e.stdout) as { Error?: string }).Error : e.message;
    throw new Error(`go mod download ${module}@${version} failed: ${reason}`);
  }
}

/** The built command, from the cache or built now (minutes when Go's caches are cold). */
export async function ensureGoModuleBinary(
  cmd: GoModuleCommand,
  log: (line: string) => void = () => {}
): Promise<string> {
  const key = createHash('sha256')
    .update(`${cmd.module}@${cmd.version} ${cmd.pkg} ${cmd.ldflags}`)
    .digest('hex')
    .slice(0, 12);
  const binary = join(cacheDir, `${cmd.name}-${cmd.version}-${key}`);
  if (existsSync(binary)) {
    return binary;
  }
  mkdirSync(cacheDir, { recursive: true });
  const what = `${cmd.name} ${cmd.version}`;
  log(`building ${what} from its Go module ${cmd.module} (a cold build takes several minutes)…`);
  // Go does not build a main module inside the read-only module cache: build in a writable copy.
  const source = mkdtempSync(join(cacheDir, `${cmd.name}-source-`));
  try {
    cpSync(await downloadModule(cmd.module, cmd.version), source, { recursive: true });
    for (const entry of ['', ...readdirSync(source, { recursive: true, encoding: 'utf8' })]) {
      chmodSync(join(source, entry), 0o755);
    }
    // Written aside and renamed, so that a concurrent run never starts a half-written binary.
    const partial = `${binary}.${process.pid}.partial`;
    await goBuild({
      what,
      cwd: source,
      args: ['build', '-trimpath', '-ldflags', cmd.ldflags, '-o', partial, cmd.pkg],
      log,
    });
    renameSync(partial, binary);
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
  return binary;
}
