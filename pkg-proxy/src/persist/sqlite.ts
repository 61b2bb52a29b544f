// node:sqlite without its ExperimentalWarning. Node 24.15 made the module a release candidate and
// stopped warning; 24.11–24.14 (which package.json still allows) print one plain-text line on
// stderr at the first import, where the proxy writes only JSON log lines. Only that one warning is
// dropped, and only while the module loads.
type Sqlite = typeof import('node:sqlite');

const isSqliteWarning = (warning: string | Error, type: unknown) => {
  const text = typeof warning === 'string' ? warning : warning.message;
  const kind = typeof warning === 'string' ? type : warning.name;
  return kind === 'ExperimentalWarning' && text.startsWith('SQLite ');
};

const emitWarning = process.emitWarning;
process.emitWarning = function (warning: string | Error, ...rest: unknown[]) {
  const type = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { type?: string }).type : rest[0];
  if (!isSqliteWarning(warning, type)) {
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }
} as typeof process.emitWarning;
let sqlite: Sqlite;
try {
  sqlite = await import('node:sqlite');
} finally {
  process.emitWarning = emitWarning;
}

export const { DatabaseSync } = sqlite;
export type Database = InstanceType<Sqlite['DatabaseSync']>;
