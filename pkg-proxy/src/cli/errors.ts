/** A problem with what the user gave us: printed as one line, exit code 2, no stack trace. */
export class UsageError extends Error {}

export const USAGE_EXIT_CODE = 2;
