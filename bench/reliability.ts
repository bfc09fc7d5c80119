// Reliability figures for npm run bench: the worst case of any raw-stanza parse (the event loop
// must never be blocked for more than 100 ms by scenario text or engine input), and the memory
// and report size of a count: 100000 scenario (issue 10).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseXml } from "../engine/parse.ts";
import { DEFAULT_MAX_STANZA_BYTES, parseRawXml } from "../simulator/scenario/raw-xml.ts";

export interface Figure {
  name: string;
  value: number;
  limit: number;
  unit: string;
  better: "lower" | "higher";
}

/** Shapes that made the old parser quadratic, plus large valid ones. */
const SHAPES: Record<string, (n: number) => string> = {
  "truncated text": (n) => `<message><body>${"a".repeat(n)}`,
  "unclosed attribute": (n) => `<message><body x='${"a".repeat(n)}`,
  "unclosed comment": (n) => `<message><!--${"a".repeat(n)}`,
  "unclosed CDATA": (n) => `<message><![CDATA[${"a".repeat(n)}`,
  "endless tag name": (n) => `<m${"a".repeat(n)}`,
  "entities": (n) => `<message><body>${"&amp;".repeat(Math.floor(n / 5))}`,
  "deep nesting": (n) => `<message>${"<b>".repeat(Math.floor(n / 3))}`,
  "many elements": (n) => `<message>${"<b/>".repeat(Math.floor(n / 4))}</message>`,
  "many attributes": (n) => `<message ${Array.from({ length: Math.floor(n / 12) }, (_, i) => `a${i}='1'`).join(" ")}/>`,
  "complete": (n) => `<message><body>${"a".repeat(n)}</body></message>`,
};

/** The slowest shape, by its median of 5 parses (the machine is shared: one run says little). */
function slowest(parse: (s: string) => unknown, size: number): { ms: number; shape: string } {
  let worst = { ms: 0, shape: "" };
  for (const [shape, make] of Object.entries(SHAPES)) {
    const text = make(size - 40);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      try {
        parse(text);
      } catch {
        /* refusals are the point */
      }
      times.push(performance.now() - t);
    }
    const ms = times.sort((a, b) => a - b)[2]!;
    if (ms > worst.ms) worst = { ms, shape };
  }
  return worst;
}

export function parseBench(): Figure[] {
  const limit = DEFAULT_MAX_STANZA_BYTES;
  const raw = slowest((s) => parseRawXml(s), limit);
  // Shown, not a target: with the size limit lifted the parse stays linear (the old one took 45 s).
  const rawBig = slowest((s) => parseRawXml(s, { maxBytes: 8 * 1024 * 1024, maxElements: Number.MAX_SAFE_INTEGER }), 3 * 1024 * 1024);
  const refused = slowest((s) => parseRawXml(s), 3 * 1024 * 1024);
  const engine = slowest((s) => parseXml(s), limit);
  const engineRefused = slowest((s) => parseXml(s), 3 * 1024 * 1024);
  console.log(
    `raw stanza parse, worst case at the ${limit / 1024} KiB limit: ${raw.ms.toFixed(1)} ms (${raw.shape}); at 3 MB with the limit lifted: ${rawBig.ms.toFixed(1)} ms (${rawBig.shape}); ` +
      `3 MB refused by size in ${refused.ms.toFixed(2)} ms; engine parseXml worst at the limit ${engine.ms.toFixed(1)} ms (${engine.shape}), 3 MB refused in ${engineRefused.ms.toFixed(2)} ms`,
  );
  return [
    { name: `raw stanza parse, worst shape at ${limit / 1024} KiB (${raw.shape})`, value: raw.ms, limit: 100, unit: "ms", better: "lower" },
    { name: `engine parseXml, worst shape at ${limit / 1024} KiB (${engine.shape})`, value: engine.ms, limit: 100, unit: "ms", better: "lower" },
    { name: "3 MB stanza refused before parsing (engine or harness)", value: Math.max(refused.ms, engineRefused.ms), limit: 5, unit: "ms", better: "lower" },
  ];
}

export function hugeScenarioBench(count = 100_000): Figure[] {
  const child = fileURLToPath(new URL("./huge-scenario-child.ts", import.meta.url));
  const r = spawnSync(process.execPath, ["--import", "tsx", child, String(count)], { encoding: "utf8", timeout: 300_000 });
  const line = r.stdout.trim().split("\n").pop() ?? "";
  let m: { code: number; ms: number; maxRssMB: number; reportBytes: number };
  try {
    m = JSON.parse(line);
  } catch {
    throw new Error(`huge-scenario child failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  }
  console.log(`count: ${count} scenario through the CLI: exit ${m.code} in ${(m.ms / 1000).toFixed(1)} s, peak RSS ${m.maxRssMB.toFixed(0)} MB, reports ${(m.reportBytes / 1024).toFixed(0)} KB`);
  return [
    { name: `harness peak RSS, count: ${count} scenario (engine target)`, value: m.maxRssMB, limit: 300, unit: "MB", better: "lower" },
    { name: `report files, count: ${count} scenario`, value: m.reportBytes / 1024 / 1024, limit: 5, unit: "MB", better: "lower" },
    { name: "count scenario passes", value: m.code === 0 ? 1 : 0, limit: 1, unit: "", better: "higher" },
  ];
}
