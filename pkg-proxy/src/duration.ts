// Durations as flags and API parameters take them: "500ms", "30s", "5m", "1h", "2d", or plain
// milliseconds where a unit may be left out.

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Whole milliseconds, or undefined for text that is not a positive duration of whole milliseconds. */
export function parseDuration(text: string, unitRequired = false): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text);
  if (!m || (unitRequired && !m[2])) {
    return undefined;
  }
  const ms = Number(m[1]) * UNITS[m[2] ?? 'ms'];
  const whole = Math.round(ms);
  // 1.5 (ms) is no more a duration than 0.5 is; 1.1s is 1100 ms despite floating point.
  return whole >= 1 && Math.abs(ms - whole) < 1e-6 ? whole : undefined;
}
