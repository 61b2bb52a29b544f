// `go build` of the real tools the tests run (the API server harness, Helm), with progress lines:
// a cold build downloads and compiles for minutes.
import { spawn, type ChildProcess } from 'node:child_process';

export interface GoBuild {
  /** What is built, for the progress lines and errors, e.g. "Helm v3.22.0". */
  what: string;
  cwd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

/** Runs `go <args>` in `cwd`, logging every 30 s until it exits; rejects with one clear line on failure. */
export async function goBuild({ what, cwd, args, env, log }: GoBuild): Promise<void> {
  const started = Date.now();
  await new Promise<void>((resolveBuild, reject) => {
    let go: ChildProcess;
    try {
      go = spawn('go', args, {
        cwd,
        env: { ...process.env, CGO_ENABLED: '0', ...env },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
    } catch (err) {
      reject(err);
      return;
    }
    const ticker = setInterval(
      () => log(`  still building ${what}… ${Math.round((Date.now() - started) / 1000)}s`),
      30_000
    );
    go.on('error', (err: NodeJS.ErrnoException) => {
      clearInterval(ticker);
      reject(err.code === 'ENOENT' ? new Error(`Go is not installed: building ${what} needs Go ≥ 1.26 on PATH`) : err);
    });
    go.on('exit', (code) => {
      clearInterval(ticker);
      code === 0 ? resolveBuild() : reject(new Error(`go ${args[0]} of ${what} failed (exit ${code})`));
    });
  });
  log(`built ${what} in ${Math.round((Date.now() - started) / 1000)}s`);
}
