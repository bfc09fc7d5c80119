// The README's option table is generated from the vocabulary and the targets' mappings; this
// keeps the committed README equal to what `npm run docs` writes.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { withTable } from "../../scripts/options-table.ts";

it("README.md's option table is current (npm run docs)", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  expect(readme).toBe(withTable(readme));
});
