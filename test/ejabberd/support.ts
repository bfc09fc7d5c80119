// Shared bits for the ejabberd tests: availability, a suite with one harness-run ejabberd, PIDs.
import { afterAll, beforeAll } from "vitest";
import { createEjabberdTarget, ejabberdInstalled, type EjabberdTarget } from "../../simulator/targets/ejabberd/index.ts";
import { describeWithServer } from "../support/require-server.ts";

export const EJABBERD = ejabberdInstalled();
export const EJABBERD_HINT = "install ejabberd";
export { chat, enableIq, formFields, pidAlive, world } from "../prosody/support.ts";

/** A suite with one harness-run ejabberd, started before its tests and stopped after them. */
export function describeEjabberd(name: string, fn: (ctx: { target: EjabberdTarget }) => void): void {
  describeWithServer(name, EJABBERD, EJABBERD_HINT, () => {
    const ctx = {} as { target: EjabberdTarget };
    beforeAll(async () => {
      ctx.target = createEjabberdTarget();
      await ctx.target.start();
    });
    afterAll(async () => {
      await ctx.target?.stop();
    });
    fn(ctx);
  });
}
