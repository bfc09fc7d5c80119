// The command line: every flag in the option table parses for its commands and is refused with a
// clear message elsewhere; unknown flags get our words (and a likely flag), never Node's raw text;
// each command has its own help with examples; --version prints the package's version.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCli, wholeNumber } from "../../simulator/cli/parse.ts";
import { COMMANDS, commandHelp, ENVIRONMENT, OPTIONS, OPTION_NAMES } from "../../simulator/cli/spec.ts";
import { UsageError } from "../../simulator/exit-codes.ts";
import { cli } from "../reliability/support.ts";

const usage = (argv: string[]) => {
  try {
    parseCli(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`no usage error for ${argv.join(" ")}`);
};

describe("parseCli", () => {
  it("takes the command from the first word (run by default) and keeps the paths", () => {
    expect(parseCli(["run", "a.yaml", "b", "--grep", "x"])).toMatchObject({ command: "run", positionals: ["a.yaml", "b"], values: { grep: "x" } });
    expect(parseCli(["--grep", "x"])).toMatchObject({ command: "run", positionals: [] });
    expect(parseCli(["-g", "x", "list", "p"])).toMatchObject({ command: "list", positionals: ["p"] });
    expect(parseCli(["merge-reports", "s1", "s2", "-r", "out"])).toMatchObject({ command: "merge-reports", positionals: ["s1", "s2"], values: { "report-dir": "out" } });
    expect(parseCli(["help", "merge-reports"])).toMatchObject({ command: "help", helpFor: "merge-reports" });
  });

  it("parses every option of the table for a command that takes it", () => {
    for (const name of OPTION_NAMES) {
      const def = OPTIONS[name]!;
      const cmd = def.commands[0]!;
      const argv = [cmd, `--${name}`, ...(def.type === "string" ? ["1/2"] : [])];
      const values = parseCli(argv).values as Record<string, unknown>;
      expect(values[name], name).toEqual(def.type === "boolean" ? true : def.multiple ? ["1/2"] : "1/2");
    }
  });

  it("refuses an option on a command that does not take it, naming what it takes", () => {
    expect(usage(["list", "--strict"])).toBe("--strict does not apply to 'list' (it takes: --grep, --grep-invert, --json, --pass-with-no-tests, --config)");
    expect(usage(["validate", "--target", "prosody"])).toMatch(/^--target does not apply to 'validate'/);
    expect(usage(["init", "--grep", "x"])).toBe("--grep does not apply to 'init' (it takes: no options)");
  });

  it("says unknown flags in its own words, with the likely intended flag", () => {
    expect(usage(["run", "--frob"])).toBe("unknown option --frob for 'pushlab run' (pushlab run --help lists the options)");
    expect(usage(["run", "--gerp", "x"])).toBe("unknown option --gerp for 'pushlab run'; did you mean --grep? (pushlab run --help lists the options)");
    expect(usage(["run", "--worker", "2"])).toMatch(/did you mean --workers\?/);
    expect(usage(["list", "--jsno"])).toMatch(/did you mean --json\?/);
    expect(usage(["run", "-x"])).toMatch(/^unknown option -x for 'pushlab run'/);
    for (const argv of [["run", "--frob"], ["run", "--retries"], ["run", "--strict=yes"]]) expect(usage(argv)).not.toMatch(/Unknown option|argument missing|To specify a positional/);
  });

  it("says which flag needs a value, and how to give one that starts with '-'", () => {
    expect(usage(["run", "--retries"])).toBe("--retries needs a value (N)");
    expect(usage(["run", "--grep", "-x"])).toBe("--grep needs a value (REGEX) (a value starting with '-' goes as --grep=VALUE)");
    expect(usage(["run", "--strict=yes"])).toBe("--strict takes no value (pushlab run --help)");
    expect(usage(["run", "--target", " "])).toBe("--target needs a value");
  });

  it("refuses an unknown command, and says when it looks like a path", () => {
    expect(usage(["bogus"])).toBe("unknown command 'bogus'; commands: run, validate, list, report, merge-reports, init, receiver, load (pushlab --help)");
    expect(usage(["my.yaml"])).toMatch(/'my\.yaml' looks like a path: pushlab run my\.yaml/);
    expect(usage(["help", "nope"])).toMatch(/pushlab help nope: no such command/);
  });

  it("wholeNumber bounds --workers and --retries", () => {
    expect(wholeNumber("--workers", "4", 1, 64)).toBe(4);
    expect(() => wholeNumber("--workers", "0", 1, 64)).toThrow("--workers: expected a whole number 1–64, got '0'");
    expect(() => wholeNumber("--retries", "1.5", 0, 10)).toThrow(/expected a whole number 0–10/);
    expect(() => wholeNumber("--retries", "two", 0, 10)).toThrow(/got 'two'/);
  });
});

describe("help, per command", () => {
  it("each command's help has its usage, only its options, and examples", () => {
    for (const c of COMMANDS) {
      const h = commandHelp(c);
      expect(h).toContain(`Usage:\n  pushlab ${c}`);
      expect(h).toMatch(/Examples:\n  pushlab /);
      const section = h.slice(h.indexOf("Options:\n"), h.indexOf("\n\n", h.indexOf("Options:\n")));
      const listed = [...section.matchAll(/^ {2}(?:-\w, | {4})--([\w-]+)/gm)].map((m) => m[1]);
      expect(listed, c).toEqual(OPTION_NAMES.filter((n) => OPTIONS[n]!.commands.includes(c)));
      for (const line of h.split("\n")) expect(line.length, line).toBeLessThanOrEqual(120);
    }
  });

  it("run's help lists the environment variables the harness reads", () => {
    const h = commandHelp("run");
    for (const [name] of ENVIRONMENT) expect(h).toContain(name);
    // …and every PUSHLAB_ variable the run path reads is in that list.
    const sources = ["simulator/log.ts", "simulator/targets/prosody/index.ts", "simulator/targets/prosody/prosody-server.ts", "simulator/targets/ejabberd/index.ts", "simulator/process-guard.ts", "simulator/wire/watchdog.ts", "simulator/scenario/file-limits.ts", "simulator/scenario/raw-xml.ts"];
    const read = new Set(sources.flatMap((f) => [...readFileSync(new URL(`../../${f}`, import.meta.url), "utf8").matchAll(/process\.env\.(PUSHLAB_[A-Z_]+)/g)].map((m) => m[1]!)));
    for (const v of read) expect(ENVIRONMENT.some(([name]) => name.startsWith(v)), v).toBe(true);
  });
});

describe("through bin/pushlab.js", () => {
  const version = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version as string;

  it("--version prints the package's version, exit 0", async () => {
    for (const args of [["--version"], ["-V"], ["run", "--version"]]) {
      const r = cli(args);
      expect((await r.done).code).toBe(0);
      expect(r.out()).toBe(`pushlab ${version}\n`);
    }
  });

  it("pushlab run --help and pushlab help merge-reports print that command's help; --help alone the overview", async () => {
    const run = cli(["run", "--help"]);
    expect((await run.done).code).toBe(0);
    expect(run.out()).toMatch(/^pushlab run — /);
    expect(run.out()).toContain("Environment:");
    const merge = cli(["help", "merge-reports"]);
    expect((await merge.done).code).toBe(0);
    expect(merge.out()).toMatch(/^pushlab merge-reports — /);
    const all = cli(["--help"]);
    expect((await all.done).code).toBe(0);
    expect(all.out()).toContain("pushlab COMMAND --help");
  });

  it("receiver and load (their own parsers): an unknown flag in the same words, exit 2 (load was: exit 3 with a stack)", async () => {
    const load = cli(["load", "--drvier", "tsung"]);
    expect((await load.done).code).toBe(2);
    expect(load.out()).toBe("pushlab: unknown option --drvier for 'pushlab load'; did you mean --driver? (pushlab load --help lists the options)\n");
    const receiver = cli(["receiver", "--jidd", "x"]);
    expect((await receiver.done).code).toBe(2);
    expect(receiver.out()).toMatch(/^pushlab receiver: unknown option --jidd for 'pushlab receiver'; did you mean --jid\?\n/);
    expect(receiver.out()).not.toMatch(/Unknown option|\n\s+at /);
  });

  it("an unknown flag: exit 2, one line, no stack", async () => {
    const r = cli(["run", "--shrad", "1/2"]);
    expect((await r.done).code).toBe(2);
    expect(r.out()).toBe("pushlab: unknown option --shrad for 'pushlab run'; did you mean --shard? (pushlab run --help lists the options)\n");
  });
});
