// `npm run compat`: Grafana's API compatibility checker, @grafana/levitate, run as its docs show,
// against the oldest Grafana that src/plugin.json's grafanaDependency admits. It compares the
// declarations of every @grafana/data, @grafana/ui and @grafana/runtime export the plugin uses
// between the installed packages and that version (both fetched from the npm registry).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import semver from 'semver';

const root = resolve(import.meta.dirname, '..');
const PACKAGES = ['@grafana/data', '@grafana/ui', '@grafana/runtime'];

const range: string = JSON.parse(readFileSync(resolve(root, 'src', 'plugin.json'), 'utf8')).dependencies
  .grafanaDependency;
const minimum = semver.minVersion(range);
if (!minimum) {
  console.error(`compat: grafanaDependency "${range}" in src/plugin.json admits no version`);
  process.exit(2);
}
console.log(`compat: src/module.ts against Grafana ${minimum} (grafanaDependency "${range}")`);
const target = PACKAGES.map((name) => `${name}@${minimum}`).join(',');
const levitate = spawnSync('levitate', ['is-compatible', '--path', 'src/module.ts', '--target', target], {
  cwd: root,
  stdio: 'inherit',
});
if (levitate.error) {
  console.error(`compat: cannot run levitate (${levitate.error.message}); run it through npm run compat`);
  process.exit(2);
}
process.exit(levitate.status ?? 1);
