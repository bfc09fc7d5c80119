// `pushlab init`: a starting point in the current directory — pushlab.config.yaml (every setting,
// commented) and scenarios/example.yaml (one scenario to copy from). Nothing is overwritten: if
// either file exists, nothing is written and the command says which one is in the way.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { EXIT, UsageError } from "../exit-codes.ts";
import { CONFIG_FILE, CONFIG_SCHEMA_PATH } from "./config.ts";

export const EXAMPLE_SCENARIO = join("scenarios", "example.yaml");
const SCENARIO_SCHEMA = fileURLToPath(new URL("../../scenarios/scenario.schema.json", import.meta.url));

function configText(cwd: string): string {
  const schema = relative(cwd, fileURLToPath(CONFIG_SCHEMA_PATH));
  return `# yaml-language-server: $schema=${schema}
# pushlab's settings for this directory (pushlab run finds this file here; elsewhere: --config FILE).
# Flags on the command line win over these. Relative paths are relative to this file.

# Servers to check: engine (pushlab's own reference engine), prosody, ejabberd (started by
# pushlab from Debian's packages), xmpp (a server you run; see the xmpp settings below).
targets: [engine]

# pushlab's bundled suite, then your own scenarios.
bundled-suite: true
scenarios: [scenarios]

# What fails the run: xep (XEP-0357 only), reference (plus mod_cloud_notify's policy), all.
# Default: reference for engine and prosody, xep for other servers.
# profile: xep

# Where results.jsonl and the reports go. Reporters (default: console, and report.json,
# junit.xml, index.html in report-dir): console, json[=FILE] (without FILE: stdout),
# junit[=FILE], html[=FILE], github (GitHub Actions annotations and step summary).
report-dir: reports/out
# reporters: [console, junit, html, json=reports/out/report.json, github]

# strict: true           # declared deviations fail the run too
# workers: 4             # scenarios at once per target
# retries: 1             # a failure that passes on a retry is reported as flaky
# grep: "R-OFFLINE|R-HIB"
# grep-invert: restart
# expectations: { prosody: my-prosody-expectations.yaml }

# The xmpp target: a server pushlab does not start (or: xmpp: path/to/xmpp.yaml).
# xmpp:
#   host: 127.0.0.1
#   port: 5222
#   domain: example.test
#   tls: starttls
#   ca: ca.pem
#   component: { port: 5347, domain: push.example.test }   # secret: $PUSHLAB_COMPONENT_SECRET
#   register: true
`;
}

function scenarioText(cwd: string): string {
  return `# yaml-language-server: $schema=${relative(join(cwd, "scenarios"), SCENARIO_SCHEMA)}
# An example scenario: copy it, change the steps, run it with \`pushlab run ${EXAMPLE_SCENARIO}\`.
name: example - a message to a user whose only device went offline is pushed once
rules: [R-OFFLINE]            # rule ids of pushlab's catalog (pushlab list shows them)
personas:
  alice: { resource: phone }  # the user with the phone that registers for push
  carol: {}                   # someone who writes to her
steps:
  - connect: alice
  - enable: { persona: alice, node: example-node }
  - disconnect: alice          # a clean close: no session left, the message goes offline
  - connect: carol
  - send: { from: carol, to: alice, body: "hello" }
  - expect-pushes: { count: 1, within: 2s, match: { node: example-node } }
`;
}

/** Writes both files, or none. Returns the exit code. */
export function initCommand(cwd = process.cwd(), out: NodeJS.WritableStream = process.stdout): number {
  const files = [CONFIG_FILE, EXAMPLE_SCENARIO];
  const present = files.filter((f) => existsSync(join(cwd, f)));
  if (present.length > 0) throw new UsageError(`init: ${present.join(" and ")} already there; nothing written (remove or rename ${present.length > 1 ? "them" : "it"} first)`);
  mkdirSync(join(cwd, "scenarios"), { recursive: true });
  // 'wx': fails rather than replaces, should a file appear meanwhile.
  writeFileSync(join(cwd, CONFIG_FILE), configText(cwd), { flag: "wx" });
  writeFileSync(join(cwd, EXAMPLE_SCENARIO), scenarioText(cwd), { flag: "wx" });
  out.write(`wrote ${CONFIG_FILE} and ${EXAMPLE_SCENARIO}\nnext: pushlab run   (the bundled suite and your scenarios on the engine; reports in reports/out/)\n`);
  return EXIT.ok;
}
