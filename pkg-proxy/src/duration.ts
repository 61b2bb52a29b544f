// Durations as flags and API parameters take them: "500ms", "30s", "5m", "1h", "2d", or plain
// milliseconds where a unit may be left out.

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or undefined for text that is not a positive duration. */
export function parseDuration(text: string, unitRequired = false): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text);
  if (!m || (unitRequired && !m[2])) {
    return undefined;
  }
  const ms = Number(m[1]) * UNITS[m[2] ?? 'ms'];
  return ms >= 1 ? ms : undefined;
}
