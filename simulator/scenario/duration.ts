// "500ms", "5s", "2m", "72h" or a number of seconds → milliseconds.
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) && v >= 0 ? v * 1000 : null;
  if (typeof v !== "string") return null;
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$/.exec(v.trim());
  return m ? Number(m[1]) * UNITS[m[2]!]! : null;
}

/**
 * expect-pushes' not-before: a duration, or one with a leading '-' for a push that came before
 * the step began (a step counts every push since the previous check, e.g. one a paced send brought).
 */
export function parseOffset(v: unknown): number | null {
  if (typeof v === "string" && v.trim().startsWith("-")) {
    const d = parseDuration(v.trim().slice(1));
    return d === null ? null : -d;
  }
  return parseDuration(v);
}

export function formatMs(ms: number): string {
  if (ms < 0) return `-${formatMs(-ms)}`;
  if (ms < 1000) return `${ms}ms`;
  if (ms < 120_000) return `${+(ms / 1000).toFixed(3)}s`;
  if (ms < 7_200_000) return `${+(ms / 60_000).toFixed(2)}m`;
  return `${+(ms / 3_600_000).toFixed(2)}h`;
}
