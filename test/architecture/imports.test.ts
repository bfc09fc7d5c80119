// Who may import whom. The oracle (checks, push matching, the stanzas personas build, both fake
// app servers, expectations) must not reach engine/ at all, not even through other files; the
// engine imports nothing of the harness; reports/ reads the runner's result model and only the
// CLI composes reports into a run.
import { describe, expect, it } from "vitest";
import { buildGraph, violations } from "./import-graph.ts";

const root = new URL("../..", import.meta.url).pathname;
const graph = buildGraph(root, ["engine", "simulator", "reports"]);

const ORACLE = (f: string) =>
  f.startsWith("simulator/scenario/") ||
  f.startsWith("simulator/protocol/") ||
  f.startsWith("simulator/expectations/") ||
  f === "simulator/server/sim-app-server.ts" ||
  f === "simulator/wire/wire-app-server.ts";

describe("import rules", () => {
  it("the graph sees the project (sanity)", () => {
    expect(graph.size).toBeGreaterThan(60);
    expect(graph.get("simulator/scenario/checks.ts")).toContain("simulator/scenario/push-match.ts");
  });

  it("nothing that judges reaches engine/, even transitively", () => {
    expect(violations(graph, ORACLE, "engine/", true)).toEqual([]);
  });

  it("engine/ imports nothing from simulator/ or reports/", () => {
    const f = (x: string) => x.startsWith("engine/");
    expect([...violations(graph, f, "simulator/", false), ...violations(graph, f, "reports/", false)]).toEqual([]);
  });

  it("only the commands (the composition roots) import reports/ from simulator/", () => {
    const commands = new Set(["simulator/cli.ts", "simulator/run-command.ts", "simulator/receiver/cli.ts", "simulator/load/cli.ts", "simulator/load/write-report.ts"]);
    // simulator/cli/ is the CLI itself, split by job (help, settings, the commands that write reports).
    const isCommand = (x: string) => commands.has(x) || x.startsWith("simulator/cli/");
    expect(violations(graph, (x) => x.startsWith("simulator/") && !isCommand(x), "reports/", false)).toEqual([]);
  });

  it("reports/ never reaches engine/", () => {
    expect(violations(graph, (x) => x.startsWith("reports/"), "engine/", true)).toEqual([]);
  });

  it("the rule fails when broken on purpose", () => {
    const broken = buildGraph(root, [], {
      "simulator/scenario/push-match.ts": 'import { xml } from "@xmpp/xml";\nimport { helper } from "./helper.ts";\n',
      "simulator/scenario/helper.ts": 'import type { Foo } from "../../engine/xmlns.ts";\n',
      "engine/xmlns.ts": "export const NS = {};\n",
    });
    expect(violations(broken, ORACLE, "engine/", true)).toEqual([
      "simulator/scenario/helper.ts → engine/xmlns.ts",
      "simulator/scenario/push-match.ts → engine/xmlns.ts",
    ]);
  });
});
