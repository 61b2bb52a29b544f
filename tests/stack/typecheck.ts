// Type-checks JSON taken from provisioning files against the plugin's own TypeScript types, so a
// dashboard cannot carry a query field or value that the data source does not know.
import ts from 'typescript';
import { repo } from './lib.ts';

/**
 * Returns the compiler's diagnostics (empty when every value fits its type). `values` maps a type
 * exported by src/types.ts to the values that must be assignable to it; object literals get
 * TypeScript's excess-property check, so unknown fields are errors too.
 */
export function typecheckAgainstPluginTypes(
  values: Record<string, Array<{ where: string; value: unknown }>>
): string[] {
  const file = repo('tests', 'stack', '.provisioned-values.ts');
  const lines = [`import type { ${Object.keys(values).join(', ')} } from '../../src/types';`];
  for (const [type, entries] of Object.entries(values)) {
    entries.forEach(({ where, value }, i) => {
      lines.push(`// ${where}`, `export const ${type}_${i}: ${type} = ${JSON.stringify(value)};`);
    });
  }
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // src/types.ts takes vocabularies from the proxy's contract, whose imports name .ts files.
    allowImportingTsExtensions: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile;
  host.readFile = (name) => (name === file ? source : readFile(name));
  const fileExists = host.fileExists;
  host.fileExists = (name) => name === file || fileExists(name);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, languageVersion, ...rest) =>
    name === file ? ts.createSourceFile(name, source, languageVersion) : getSourceFile(name, languageVersion, ...rest);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) {
      return text;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    // In the generated file, the comment above each value says where it came from.
    const where = d.file.fileName === file ? source.split('\n')[line - 1] : d.file.fileName;
    return `${where}: ${text}`;
  });
}
