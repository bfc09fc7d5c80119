// Test files that take long start first, so that with several workers the run does not end with
// one long file alone. vitest orders by its results cache (longest first) when it has one; a clean
// checkout (CI) has none and would order by file size, which says little about time here: most
// long files wait on real servers' timers. The list is measured (ms, one whole run, 4 workers on
// the 2-core machine, the heaviest file's own run time); files not listed follow in vitest's order.
import { BaseSequencer, type TestSpecification } from "vitest/node";

export const SLOW_FILES: Record<string, number> = {
  "test/ejabberd/conformance.test.ts": 80_000,
  "test/xmpp/prosody-suite.test.ts": 60_000,
  "test/receiver/broken.test.ts": 55_000,
  "test/xmpp/ejabberd-suite.test.ts": 50_000,
  "test/prosody/conformance.test.ts": 45_000,
  "test/xmpp/ejabberd-generic.test.ts": 45_000,
  "test/browser/real-report.browser.test.ts": 40_000,
  "test/reliability/frozen-server.test.ts": 38_000,
  "test/xmpp/prosody-compare.test.ts": 36_000,
  "test/reliability/signals.test.ts": 25_000,
  "test/receiver/cli.test.ts": 22_000,
  "test/reliability/messages.test.ts": 20_000,
  "test/load/real.test.ts": 19_000,
  "test/receiver/reference.test.ts": 18_000,
  "test/receiver/via-prosody.test.ts": 16_000,
  "test/ejabberd/lifecycle.test.ts": 15_000,
  "test/xmpp/prosody-generic.test.ts": 15_000,
  "test/xmpp/prosody-tls.test.ts": 14_000,
  "test/ejabberd/push.test.ts": 13_000,
  "test/ejabberd/port-retry.test.ts": 11_000,
};

/** Listed files first, the longest first; then the rest as vitest orders them. */
export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const root = this.ctx.config.root.replace(/\/?$/, "/");
    const weight = (f: TestSpecification) => SLOW_FILES[f.moduleId.startsWith(root) ? f.moduleId.slice(root.length) : f.moduleId] ?? 0;
    return base.map((f, i) => ({ f, i, w: weight(f) })).sort((a, b) => b.w - a.w || a.i - b.i).map((x) => x.f);
  }
}
