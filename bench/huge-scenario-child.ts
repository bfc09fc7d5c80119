// Child process for the memory benchmark: runs one `count: N` scenario through the whole CLI
// path (runner, results log, reporters) and prints its peak RSS and the report sizes as JSON.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../simulator/cli.ts";

const count = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "pushlab-bench-huge-"));
try {
  const file = join(dir, "huge.yaml");
  writeFileSync(
    file,
    `name: flood of ${count} offline messages
rules: [R-OFFLINE]
personas: { alice: { resource: phone }, bob: {} }
steps:
  - connect: alice
  - enable: { persona: alice, node: n1 }
  - disconnect: alice
  - connect: bob
  - send: { from: bob, to: alice, body: "hello", count: ${count} }
  - expect-pushes: { at-least: ${count}, within: 10s }
`,
  );
  const out = join(dir, "out");
  const t0 = performance.now();
  const code = await main(["run", file, "--report-dir", out, "--format", "json,junit,html"]);
  const ms = performance.now() - t0;
  const reportBytes = readdirSync(out).reduce((n, f) => n + statSync(join(out, f)).size, 0);
  process.stdout.write(JSON.stringify({ code, ms, maxRssMB: process.resourceUsage().maxRSS / 1024, reportBytes }) + "\n");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
