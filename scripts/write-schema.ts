// npm run schema: writes scenarios/scenario.schema.json from simulator/scenario/schema.ts.
import { writeFileSync } from "node:fs";
import { SCENARIO_SCHEMA } from "../simulator/scenario/schema.ts";

const file = new URL("../scenarios/scenario.schema.json", import.meta.url);
writeFileSync(file, `${JSON.stringify(SCENARIO_SCHEMA, null, 2)}\n`);
process.stdout.write(`wrote ${file.pathname}\n`);
