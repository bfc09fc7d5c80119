#!/usr/bin/env node
// npx pushlab … — runs the TypeScript CLI through tsx's loader (no build step).
import { register } from "tsx/esm/api";

register();
process.env.PUSHLAB_CLI = "1";
await import("../simulator/cli.ts");
