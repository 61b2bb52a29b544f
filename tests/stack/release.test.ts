// .github/workflows and what a release publishes: the workflows pass actionlint (built from its Go
// module and cached like the other tools), the release builds the image for both architectures with
// its SBOM and provenance, and the chart's defaults and Artifact Hub metadata name that image.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ensureGoModuleBinary } from '../cluster/go-module.ts';
import { readYaml, repo, run } from './lib.ts';

const ACTIONLINT = {
  name: 'actionlint',
  module: 'github.com/rhysd/actionlint',
  version: 'v1.7.7',
  pkg: './cmd/actionlint',
  ldflags: '-s -w',
};
const WORKFLOWS = '.github/workflows';
const CHART = 'pkg-proxy/deploy/helm/podreasons';

test('every workflow passes actionlint', async () => {
  const actionlint = await ensureGoModuleBinary(ACTIONLINT, (line) => process.stderr.write(`${line}\n`));
  const files = readdirSync(repo(WORKFLOWS)).map((f) => repo(WORKFLOWS, f));
  await run(actionlint, ['-no-color', ...files]);
});

test('the release pushes the image for amd64 and arm64 with an SBOM and provenance, and attests the zip', () => {
  const jobs = readYaml(`${WORKFLOWS}/release.yml`).jobs;
  const build = jobs.image.steps.find((s: any) => String(s.uses).startsWith('docker/build-push-action@'));
  assert.deepEqual(build.with.platforms.split(','), ['linux/amd64', 'linux/arm64']);
  assert.equal(build.with.file, 'pkg-proxy/Dockerfile');
  assert.equal(build.with.sbom, true);
  assert.match(build.with.provenance, /^mode=max$/);
  assert.ok(jobs.plugin.steps.some((s: any) => String(s.uses).startsWith('actions/attest-build-provenance@')));
  assert.ok(jobs.chart.steps.some((s: any) => /helm push .*oci:\/\//.test(s.run ?? '')));
});

test("the chart's default image and its Artifact Hub image are the one the release pushes, at the chart's version", () => {
  const chart = readYaml(`${CHART}/Chart.yaml`);
  const values = readYaml(`${CHART}/values.yaml`);
  const [image] = parse(chart.annotations['artifacthub.io/images']);
  assert.equal(image.image, `${values.image.repository}:${chart.appVersion}`);
  assert.equal(values.image.repository.split('/').pop(), 'podreasons-proxy', 'the name the release pushes');
  for (const key of ['home', 'sources', 'icon', 'maintainers']) {
    assert.ok(chart[key], `Chart.yaml ${key}`);
  }
});
