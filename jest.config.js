// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const [swcTransform] = Object.values(base.transform);

module.exports = {
  ...base,
  // @grafana/ui 13 pulls in .mjs files (d3-*) and many ESM-only packages; transforming all of
  // node_modules is slower than an allow-list but does not break on every dependency update.
  transform: {
    '^.+\\.([tj]sx?|mjs)$': swcTransform,
  },
  transformIgnorePatterns: [],
  // The editor tests click through real @grafana/ui components; on a busy 2-core machine one of
  // them can take longer than Jest's default 5 s without anything being wrong.
  testTimeout: 30_000,
};
