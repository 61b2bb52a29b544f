// Dockerfiles without Docker: parses the instructions, and replays the COPY, WORKDIR, ENV and RUN
// steps of Node-based stages into directories, so that tests can run what the image would hold.
import { cpSync, mkdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, posix } from 'node:path';
import { readText, repo, run } from './lib.ts';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Stages and their instructions; continuation lines are joined and comments dropped. */
export function parseDockerfile(path: string): Stage[] {
  const stages: Stage[] = [];
  const logical = readText(path)
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  for (const line of logical) {
    const [, keyword, args] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (!keyword) {
      throw new Error(`${path}: cannot parse "${line}"`);
    }
    if (keyword.toUpperCase() === 'FROM') {
      const [from, , name] = args.split(/\s+/);
      stages.push({ from, name, instructions: [] });
    } else {
      stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

/** The words of an exec-form (JSON array) or shell-form argument. */
export const execForm = (args: string): string[] => (args.startsWith('[') ? JSON.parse(args) : args.split(/\s+/));

/** COPY's sources and destination, and the stage it copies from (undefined: the build context). */
export function copyArgs(args: string): { from?: string; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  const from = words[0].startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
  const dest = words.pop()!;
  return { from, sources: words, dest };
}

export interface Replayed {
  /** The final stage's working directory, on this machine. */
  workdir: string;
  env: Record<string, string>;
  user?: string;
  entrypoint: string[];
  cmd: string[];
  healthcheck?: string[];
}

/**
 * Replays a Dockerfile (a path in the repository) whose stages all run Node (their RUN steps use this machine's Node 24 and
 * npm, and npm's cache) into `out`, with `context` as the build context.
 */
export async function replay(dockerfile: string, context: string, out: string): Promise<Replayed> {
  const stages = parseDockerfile(dockerfile);
  const roots = new Map<string, string>();
  let result: Replayed | undefined;
  for (const [index, stage] of stages.entries()) {
    const stageRoot = join(out, stage.name ?? String(index));
    roots.set(stage.name ?? String(index), stageRoot);
    let workdir = '/';
    const env: Record<string, string> = {};
    const local = (path: string) => join(stageRoot, posix.resolve(workdir, path));
    result = { workdir: '', env, entrypoint: [], cmd: [] };
    for (const { keyword, args } of stage.instructions) {
      if (keyword === 'WORKDIR') {
        workdir = posix.resolve(workdir, args);
        mkdirSync(local('.'), { recursive: true });
      } else if (keyword === 'ENV') {
        const [, key, value] = /^(\w+)=(.*)$/.exec(args)!;
        env[key] = value;
      } else if (keyword === 'COPY') {
        const { from, sources, dest } = copyArgs(args);
        for (const source of sources) {
          const src = from ? join(roots.get(from)!, source) : join(context, source);
          // As Docker does: a directory's contents go to dest, a file goes into dest when it ends in "/".
          const intoDir = !statSync(src).isDirectory() && (dest.endsWith('/') || sources.length > 1);
          const target = intoDir ? join(local(dest), posix.basename(source)) : local(dest);
          mkdirSync(dirname(target), { recursive: true });
          cpSync(src, target, { recursive: true, verbatimSymlinks: true });
        }
      } else if (keyword === 'RUN') {
        const path = `${dirname(process.execPath)}:${repo('node_modules', '.bin')}:${process.env.PATH}`;
        await run('sh', ['-c', args], {
          cwd: local('.'),
          env: { ...process.env, ...env, PATH: path, npm_config_prefer_offline: 'true' },
        });
      } else if (keyword === 'USER') {
        result.user = args;
      } else if (keyword === 'ENTRYPOINT') {
        result.entrypoint = execForm(args);
      } else if (keyword === 'CMD') {
        result.cmd = execForm(args);
      } else if (keyword === 'HEALTHCHECK') {
        result.healthcheck = execForm(args.slice(args.indexOf('CMD ') + 4).trim());
      }
    }
    result.workdir = local('.');
  }
  if (!result || !isAbsolute(result.workdir)) {
    throw new Error(`${dockerfile} has no stage`);
  }
  return result;
}

/**
 * The Node options of the proxy image's ENTRYPOINT (the words between `node` and the script):
 * the benchmark and the bundle's test run the proxy with them, so pkg-proxy/Dockerfile is the one
 * place they are set.
 */
export function imageNodeOptions(): string[] {
  const stages = parseDockerfile('pkg-proxy/Dockerfile');
  const entrypoint = stages.at(-1)!.instructions.findLast((i) => i.keyword === 'ENTRYPOINT');
  if (!entrypoint) {
    throw new Error('pkg-proxy/Dockerfile has no ENTRYPOINT');
  }
  const words = execForm(entrypoint.args);
  if (words[0] !== 'node') {
    throw new Error(`pkg-proxy/Dockerfile: the ENTRYPOINT does not start node: ${entrypoint.args}`);
  }
  const script = words.findIndex((w, i) => i > 0 && !w.startsWith('-'));
  return words.slice(1, script < 0 ? undefined : script);
}
