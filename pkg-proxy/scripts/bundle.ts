// Bundles the podreasons command into one file (dist/podreasons.mjs), which the container image runs.
//
//   node pkg-proxy/scripts/bundle.ts        (npm run build -w pkg-proxy)
//
// Why a bundle: @kubernetes/client-node's index and its KubeConfig module import every generated API
// class and model (about 60 MiB of RSS once loaded), although the proxy uses only KubeConfig. Its
// modules have no side effects at import time, so marking them so lets esbuild keep only what is
// reached. Minified, the rest of the dependencies also cost less to load and keep.
import { build, type Plugin } from 'esbuild';
import { builtinModules } from 'node:module';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLIENT_NODE_DIST = /[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/]/;

/** Lets esbuild drop client-node modules nothing uses (its package.json does not declare sideEffects). */
const clientNodeWithoutSideEffects: Plugin = {
  name: 'client-node-without-side-effects',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'resolving') {
        return undefined;
      }
      const resolved = await b.resolve(args.path, {
        importer: args.importer,
        kind: args.kind,
        resolveDir: args.resolveDir,
        namespace: args.namespace,
        pluginData: 'resolving',
      });
      if (resolved.errors.length > 0) {
        return undefined; // esbuild's own resolution reports it, or leaves an optional require() in a try block
      }
      return CLIENT_NODE_DIST.test(resolved.path) ? { ...resolved, sideEffects: false } : resolved;
    });
  },
};

const BUILTIN = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * Loads Node's own modules with require(). Importing one as an ES module evaluates all its exports:
 * for node:http that loads Node's internal fetch and WebSocket implementation (undici), 11 MiB of
 * RSS that the proxy never uses.
 */
const builtinsByRequire: Plugin = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
      BUILTIN.has(args.path) && args.namespace !== 'builtin' ? { path: args.path, namespace: 'builtin' } : undefined
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * client-node's KubeConfig module imports undici (its fetch-based API clients and their agents) and
 * so evaluates all of undici at start: 14 MiB of RSS. The proxy's requests go through node:https
 * (src/cluster/kube-client.ts), so client-node gets undici's exports through getters that load it
 * the first time one is used. Names it imports that the getters lack fail the build.
 */
const undiciOnFirstUse: Plugin = {
  name: 'undici-on-first-use',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) =>
      CLIENT_NODE_DIST.test(args.importer) ? { path: args.path, namespace: 'undici-on-first-use' } : undefined
    );
    b.onLoad({ filter: /.*/, namespace: 'undici-on-first-use' }, () => ({
      contents: [
        'let undici;',
        "const load = () => (undici ??= require('undici'));",
        'export function fetch(...args) { return load().fetch(...args); }',
        // `new Agent(...)` returns the object the function returns: undici's own Agent.
        'export function Agent(...args) { return new (load().Agent)(...args); }',
        'export function ProxyAgent(...args) { return new (load().ProxyAgent)(...args); }',
      ].join('\n'),
      loader: 'js',
      resolveDir: dirname(fileURLToPath(import.meta.resolve('@kubernetes/client-node'))),
    }));
  },
};

/** The persistence writer runs in a worker thread, so it is a file of its own next to each bundle. */
const WRITER = fileURLToPath(new URL('../src/persist/writer.ts', import.meta.url));

/**
 * Bundles `entry` (TypeScript, ESM) and what it imports into the ES module `outfile`, and the
 * persistence writer into `writer.mjs` beside it, where `src/persist/data-dir.ts` looks for it.
 */
export async function bundle(entry: string, outfile: string): Promise<void> {
  const outdir = dirname(outfile);
  await build({
    entryPoints: [
      { in: entry, out: basename(outfile, '.mjs') },
      { in: WRITER, out: 'writer' },
    ],
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    // Error names and stack traces stay readable.
    keepNames: true,
    legalComments: 'linked',
    logLevel: 'warning',
    plugins: [builtinsByRequire, undiciOnFirstUse, clientNodeWithoutSideEffects],
    // ws uses these native add-ons only when they are installed; it works without them.
    external: ['bufferutil', 'utf-8-validate'],
    // Bundled CommonJS dependencies call require() for Node's own modules.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
}

export const BUNDLE = fileURLToPath(new URL('../dist/podreasons.mjs', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await bundle(fileURLToPath(new URL('../bin/podreasons.ts', import.meta.url)), BUNDLE);
  process.stdout.write(`bundled ${BUNDLE} in ${Date.now() - started} ms\n`);
}
