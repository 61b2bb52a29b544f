// The package `npm run package` writes, as Grafana's installer reads it: one top-level folder named
// after the plugin id (Grafana unpacks it into its plugin directory), with the built plugin.json,
// an AMD module.js that needs only what Grafana provides, and every file plugin.json names.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { unzipSync } from 'fflate';

import { PACKAGE_DIR, zipName } from '../../scripts/package.ts';

const root = path.resolve(import.meta.dirname, '../..');
const readJson = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));
const source = readJson('src/plugin.json');
const VERSION: string = readJson('package.json').version;
const zip = path.join(PACKAGE_DIR, zipName(source.id, VERSION));

/** The modules Grafana shares with plugins (its sharedDependenciesMap) that the plugin may leave external. */
const GRAFANA_PROVIDES = [
  '@emotion/css',
  '@grafana/data',
  '@grafana/runtime',
  '@grafana/ui',
  'react',
  'react-dom',
  'react/jsx-runtime',
  'rxjs',
  // The AMD module object: webpack reads the plugin's public path from its URI.
  'module',
];

let files: Record<string, Uint8Array>;
const text = (name: string) => Buffer.from(files[`${source.id}/${name}`]).toString('utf8');

before(() => {
  assert.ok(existsSync(zip), `${zip} is missing: run npm run package first (npm run test:browser does)`);
  files = unzipSync(readFileSync(zip));
});

test('the checksum file holds the SHA-256 of the zip and its name, as sha256sum -c reads it', () => {
  const digest = createHash('sha256').update(readFileSync(zip)).digest('hex');
  assert.equal(readFileSync(`${zip}.sha256`, 'utf8'), `${digest}  ${path.basename(zip)}\n`);
});

test('everything is in one folder named after the plugin id, without a path leaving it', () => {
  const names = Object.keys(files);
  assert.ok(names.length > 0);
  for (const name of names) {
    assert.ok(name.startsWith(`${source.id}/`), name);
    assert.ok(!name.split('/').includes('..'), name);
  }
});

test('plugin.json is the built one: the id, the version of package.json, the date filled in', () => {
  const plugin = JSON.parse(text('plugin.json'));
  assert.equal(plugin.id, source.id);
  assert.equal(plugin.type, 'datasource');
  assert.equal(plugin.info.version, VERSION);
  assert.match(plugin.info.updated, /^\d{4}-\d{2}-\d{2}$/);
  assert.deepEqual(plugin.dependencies, source.dependencies);
});

test('module.js is an AMD module that needs only what Grafana provides', () => {
  const deps = /\bdefine\((\[[^\]]*\])/.exec(text('module.js'));
  assert.ok(deps, 'module.js does not call define([...])');
  const needed: string[] = JSON.parse(deps[1]);
  assert.ok(needed.includes('@grafana/data'));
  assert.deepEqual(
    needed.filter((name) => !GRAFANA_PROVIDES.includes(name)),
    []
  );
});

test('every file plugin.json names is in the package: logos and screenshots', () => {
  const plugin = JSON.parse(text('plugin.json'));
  const named: string[] = [
    plugin.info.logos.small,
    plugin.info.logos.large,
    ...plugin.info.screenshots.map((s: { path: string }) => s.path),
  ];
  assert.ok(plugin.info.screenshots.length > 0, 'plugin.json lists no screenshots');
  for (const file of named) {
    const data = files[`${source.id}/${file}`];
    assert.ok(data?.length, `${file} is not in the package`);
    if (file.endsWith('.png')) {
      assert.deepEqual([...data.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file} is no PNG`);
    }
  }
});

test('the packaged README is src/README.md, for the catalog: no relative links, and every image it shows is in the zip', () => {
  const readme = text('README.md');
  assert.equal(
    readme,
    readFileSync(path.join(root, 'src/README.md'), 'utf8'),
    'the catalog README, not the developer one'
  );
  const targets = [...readme.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  assert.ok(targets.length > 0);
  for (const target of targets) {
    assert.match(target, /^https:\/\//, `a relative link: ${target}`);
  }
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  assert.ok(images.length > 0);
  for (const image of images) {
    // An image's URL is the repository's src/ file, which the zip carries at the same path.
    const inSource = image.split('/main/src/')[1];
    assert.ok(inSource, `${image} is not a file of src/`);
    assert.ok(`${source.id}/${inSource}` in files, `${inSource} is not in the zip`);
  }
});
