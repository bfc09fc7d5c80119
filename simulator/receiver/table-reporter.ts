// Console verdict table for a receiver run: one row per check (verdict, rule, level, name), the
// error answers with what Prosody and ejabberd then do, and the latency figures.
import type { RunReport } from "../results.ts";
import type { Reporter } from "../reporter.ts";
import type { ConsequenceRow } from "./check-steps.ts";
import type { ReceiverRule } from "./rules.ts";

const MARK: Record<string, string> = { passed: "PASS", failed: "FAIL", broken: "BROKEN", skipped: "skip", deviation: "dev" };

export class ReceiverTableReporter implements Reporter {
  /** Set by the runner before onEnd. */
  consequences: ConsequenceRow[] = [];

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}

  onEnd(report: RunReport): void {
    const rules = new Map((report.rules as ReceiverRule[]).map((r) => [r.id, r]));
    const rows = report.scenarios.map((s) => {
      const rule = rules.get(s.rules[0] ?? "");
      const level = rule ? `${rule.level}${rule.section ? ` §${rule.section}` : ""}` : "";
      const why = s.verdict === "failed" || s.verdict === "broken" ? s.findings[0]?.message ?? "" : s.verdict === "skipped" ? s.skipReason ?? "" : "";
      return [MARK[s.verdict] ?? s.verdict, s.rules[0] ?? "", level, s.name + (why ? `\n      → ${why.split("\n")[0]!.slice(0, 160)}` : "")];
    });
    const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), ["verdict", "rule", "level"][i]!.length));
    const line = (r: string[]) => r.map((c, i) => (i < 3 ? c.padEnd(w[i]!) : c)).join("  ");
    const t = report.targets[0];
    let text = `\nReceiver ${t?.details?.jid ?? ""} — ${t?.version ?? ""}\n${line(["verdict", "rule", "level", "check"])}\n${rows.map(line).join("\n")}\n`;
    if (this.consequences.length > 0) {
      text += `\nError answers and what servers then do with the registration:\n`;
      for (const c of this.consequences) {
        text += `  ${c.answer} ×${c.count} on ${c.situation} publishes (${c.checks.join("; ")})\n    Prosody: ${c.prosody}\n    ejabberd: ${c.ejabberd}\n${c.problem ? `    WRONG: ${c.problem}\n` : ""}`;
      }
    }
    for (const s of report.bench?.series ?? []) {
      text += `\n${s.metric}: ${s.samples} samples, ${Object.entries(s.summary).map(([k, v]) => `${k} ${v} ${s.unit}`).join(", ")}`;
    }
    this.out.write(`${text}\n`);
  }
}
