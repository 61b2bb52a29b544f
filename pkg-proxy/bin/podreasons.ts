#!/usr/bin/env node
// The podreasons command. Each subcommand lives in src/cli/<name>.ts and registers itself here.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { USAGE_EXIT_CODE, UsageError } from '../src/cli/errors.ts';
import { registerExplain } from '../src/cli/explain.ts';
import { registerServe } from '../src/cli/serve.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('podreasons')
  .description(
    'Tells, for each Kubernetes pod, why it is not OK: the primary reason, who caused it, and what kubectl shows.'
  )
  .version(version)
  .addHelpText(
    'after',
    `
Example:
  kubectl get pods,nodes,events -A -o json | podreasons explain -o wide

Run "podreasons <command> --help" for a command's input, output and options.
Exit status: 0 on success, 2 for unusable input or options, 1 for anything else.`
  )
  // Commander reports its own usage errors in one line; the exit code is decided below.
  .configureOutput({ outputError: (text, write) => write(`podreasons: ${text.replace(/^error: /, '')}`) })
  .exitOverride();

registerExplain(program);
registerServe(program);

// Piped into `head`: stop quietly once the reader is gone.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') {
    process.stderr.write(`podreasons: cannot write the output: ${err.message}\n`);
  }
  process.exit(err.code === 'EPIPE' ? 0 : 1);
});

try {
  await program.parseAsync();
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
  } else if (err instanceof UsageError) {
    process.stderr.write(`podreasons: ${err.message}\n`);
    process.exitCode = USAGE_EXIT_CODE;
  } else {
    process.stderr.write(`podreasons: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
