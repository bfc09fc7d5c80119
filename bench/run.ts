// npm run bench: the engine's speed and memory against their goals. Each benchmark runs in a
// process of its own (a clean heap; pinned to one core with taskset when the system has it),
// prints its figures; this runner checks every figure against its goal, prints them, writes
// reports/out/bench.json and bench.html, and exits 1 when a goal is missed.
//   npm run bench                        all engine benchmarks
//   npm run bench -- --only throughput   some of them (throughput, memory, store, suite)
//   npm run bench -- --servers prosody   also the whole suite on real servers (minutes)
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { cpus } from "node:os";
import { formatGoal, formatValue, meets, OUTPUT_MARK, type BenchOutput, type Figure } from "./figures.ts";
import { machineFacts, tasksetAvailable } from "./machine.ts";
import { writeBenchReport } from "./write.ts";

const BENCHES = ["throughput", "memory", "store", "suite"] as const;
type BenchName = (typeof BENCHES)[number];
const CHILD_TIMEOUT_MS: Record<BenchName, number> = { throughput: 300_000, memory: 600_000, store: 300_000, suite: 1_800_000 };

const USAGE = `npm run bench -- [--only ${BENCHES.join(",")}] [--servers prosody[,ejabberd]] [--report-dir DIR] [--no-pin]

Examples:
  npm run bench                          every engine benchmark (a few minutes)
  npm run bench -- --only throughput     push decisions per second on each path
  npm run bench -- --servers prosody     also the whole scenario suite on Prosody
`;

function runChild(name: BenchName, args: string[], pinCore: number | undefined): Promise<BenchOutput> {
  const script = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  const node = [process.execPath, "--expose-gc", "--import", "tsx", script, ...args];
  const [cmd, ...argv] = pinCore === undefined ? node : ["taskset", "-c", String(pinCore), ...node];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, argv, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString("utf8")));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name}: no result within ${CHILD_TIMEOUT_MS[name] / 1000} s (killed)`));
    }, CHILD_TIMEOUT_MS[name]);
    const onSignal = () => child.kill("SIGKILL");
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
      const line = out.split("\n").find((l) => l.startsWith(OUTPUT_MARK));
      if (!line) return reject(new Error(`${name}: exited (${signal ?? `code ${code}`}) without a result`));
      resolve(JSON.parse(line.slice(OUTPUT_MARK.length)) as BenchOutput);
    });
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      servers: { type: "string" },
      "report-dir": { type: "string", default: "reports/out" },
      "no-pin": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const only = values.only ? values.only.split(",").map((s) => s.trim()) : [...BENCHES];
  const unknown = only.filter((b) => !BENCHES.includes(b as BenchName));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(", ")}\n\n${USAGE}`);
    return 2;
  }
  const machine = machineFacts();
  // The last core: one process on it measures what one core does (CPU seconds are counted anyway).
  const pinCore = !values["no-pin"] && tasksetAvailable() ? cpus().length - 1 : undefined;
  process.stderr.write(
    `bench: ${machine.cores} cores (${machine.cpuModel}), Node ${machine.node}, load ${machine.load1}; ${pinCore === undefined ? "not pinned" : `each benchmark pinned to core ${pinCore}`}\n`,
  );
  const figures: Figure[] = [];
  let failed = 0;
  for (const name of only as BenchName[]) {
    process.stderr.write(`bench: ${name} …\n`);
    const args = name === "suite" && values.servers ? values.servers.split(",") : [];
    // Real servers need both cores; the engine benchmarks are about one.
    const pin = name === "suite" && values.servers ? undefined : pinCore;
    try {
      const out = await runChild(name, args, pin);
      figures.push(...out.figures.map((f) => ({ ...f, note: [f.note, pin !== undefined ? `pinned to core ${pin}` : ""].filter(Boolean).join("; ") })));
    } catch (e) {
      failed++;
      process.stderr.write(`bench: ${(e as Error).message}\n`);
    }
  }

  let missed = 0;
  process.stdout.write("\nfigure                                                         value            goal\n");
  for (const f of figures) {
    const ok = meets(f);
    if (ok === false) missed++;
    const mark = ok === undefined ? "    " : ok ? "ok  " : "MISS";
    process.stdout.write(`${mark} ${f.name.padEnd(58).slice(0, 58)} ${formatValue(f.value, f.unit).padStart(16)}  ${formatGoal(f)}\n`);
  }
  const files = await writeBenchReport({ machine, pinnedCore: pinCore ?? null, figures }, values["report-dir"]!);
  process.stdout.write(`\n${figures.length} figures, ${missed} goal(s) missed${failed ? `, ${failed} benchmark(s) failed` : ""}; wrote ${files.join(", ")}\n`);
  return missed > 0 || failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    process.exit(2);
  },
);
