// `npm run mutation:scenarios`: stryker.config.json with the scenario suite alone (no unit tests),
// reported into reports/out/mutation-scenarios/. No break threshold: this measures the suite.
import { readFileSync } from "node:fs";

const base = JSON.parse(readFileSync(new URL("./stryker.config.json", import.meta.url), "utf8"));
delete base.$schema;
delete base._comment;

export default {
  ...base,
  vitest: { configFile: "vitest.scenarios.config.ts" },
  htmlReporter: { fileName: "reports/out/mutation-scenarios/index.html" },
  jsonReporter: { fileName: "reports/out/mutation-scenarios/mutation.json" },
  thresholds: { high: 95, low: 80, break: null },
};
