import { defineConfig } from 'eslint/config';
import baseConfig from './.config/eslint.config.mjs';

export default defineConfig([
  {
    ignores: [
      '**/logs',
      '**/*.log',
      '**/npm-debug.log*',
      '**/yarn-debug.log*',
      '**/yarn-error.log*',
      '**/.pnpm-debug.log*',
      '**/node_modules/',
      '.yarn/cache',
      '.yarn/unplugged',
      '.yarn/build-state.yml',
      '.yarn/install-state.gz',
      '**/.pnp.*',
      '**/pids',
      '**/*.pid',
      '**/*.seed',
      '**/*.pid.lock',
      '**/lib-cov',
      '**/coverage',
      '**/dist/',
      '**/artifacts/',
      '**/work/',
      '**/ci/',
      'test-results/',
      'playwright-report/',
      'blob-report/',
      'playwright/.cache/',
      'playwright/.auth/',
      '**/.idea',
      '**/.eslintcache',
      '.cache/',
    ],
  },
  ...baseConfig,
  {
    // The scaffold's rules name only src/; lint the test code and root configs with them too.
    files: ['tests/*.spec.ts', 'tests/browser/**/*.{ts,tsx,mts}', '*.ts', 'pkg-proxy/**/*.ts', 'tests/{cluster,stack}/**/*.ts', 'scripts/*.ts'],
  },
  {
    // plugin-e2e fixtures take a `use` callback, which the hooks rule mistakes for React's use().
    files: ['tests/*.spec.ts'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
]);
