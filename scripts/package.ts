// `npm run package`: the built plugin as Grafana installs it. The zip holds one top-level folder
// named after the plugin id with dist/'s files in it (what `grafana cli --pluginUrl`, GF_PLUGINS_PREINSTALL_SYNC
// and the Helm chart's `plugins` list unpack into the plugin directory), next to a SHA-256 checksum
// file in the format of `sha256sum`, so `sha256sum -c` checks a download.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { zipSync, type Zippable } from 'fflate';

const root = resolve(import.meta.dirname, '..');
export const DIST_DIR = join(root, 'dist');
export const PACKAGE_DIR = join(root, 'artifacts');

/** Regular file, rw-r--r--, in the zip's Unix attributes (Grafana's installer keeps the mode). */
const FILE_MODE = 0o100644;
const UNIX = 3;

export interface PluginPackage {
  id: string;
  version: string;
  zip: string;
  checksum: string;
}

/** The zip's file name for a plugin id and version, as Grafana's release tooling names it. */
export const zipName = (id: string, version: string) => `${id}-${version}.zip`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Zips `distDir` (a built plugin) into `outDir`; returns where the zip and its checksum are. */
export function packagePlugin(distDir = DIST_DIR, outDir = PACKAGE_DIR): PluginPackage {
  const plugin = JSON.parse(readFileSync(join(distDir, 'plugin.json'), 'utf8'));
  const { id } = plugin;
  const { version } = plugin.info;
  const entries: Zippable = {};
  for (const file of filesUnder(distDir)) {
    const name = `${id}/${relative(distDir, file).split(sep).join('/')}`;
    entries[name] = [readFileSync(file), { mtime: statSync(file).mtime, os: UNIX, attrs: FILE_MODE * 0x10000 }];
  }
  const data = zipSync(entries, { level: 9 });
  mkdirSync(outDir, { recursive: true });
  const zip = join(outDir, zipName(id, version));
  writeFileSync(zip, data);
  const checksum = `${zip}.sha256`;
  writeFileSync(checksum, `${createHash('sha256').update(data).digest('hex')}  ${zipName(id, version)}\n`);
  return { id, version, zip, checksum };
}

if (import.meta.main) {
  try {
    const { zip, checksum } = packagePlugin();
    console.log(`package: ${relative(root, zip)} and ${relative(root, checksum)}`);
  } catch (err) {
    console.error(`package: ${(err as Error).message} (run npm run build first, or npm run package)`);
    process.exit(1);
  }
}
