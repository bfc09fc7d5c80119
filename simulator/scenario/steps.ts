// What each scenario step does on a target: one small function per action, all bounded in time.
// Steps that check something live in checks.ts; the runner dispatches to either registry.
import type { AppBehaviour } from "../target.ts";
import { ExpectationFailed, ScenarioError, Unsupported } from "./errors.ts";
import type { StepArgs } from "./model.ts";
import { message, type MessageArgs } from "./stanzas.ts";
import { address, app, ms, persona, type StepContext } from "./step-context.ts";
import { CHECKS } from "./checks.ts";

export type { StepContext } from "./step-context.ts";

type Action = (ctx: StepContext, a: StepArgs) => Promise<void>;

function needControl<T>(ctx: StepContext, what: string, fn: T | undefined): T {
  if (!fn) throw new Unsupported(`target ${ctx.target} cannot ${what}`);
  return fn;
}

export const ACTIONS: Record<string, Action> = {
  connect: async (ctx, a) =>
    persona(ctx, a.persona).connect({
      presence: (a.presence as boolean | undefined) ?? true,
      sm: (a.sm as boolean | undefined) ?? true,
      carbons: (a.carbons as boolean | undefined) ?? false,
    }),
  send: async (ctx, a) => {
    const p = persona(ctx, a.from);
    const count = (a.count as number | undefined) ?? 1;
    const every = ms(a.every, 0);
    const args = { ...(a as unknown as MessageArgs), to: address(ctx, a.to as string) };
    for (let i = 0; i < count; i++) {
      if (i > 0 && every > 0) await ctx.session.sleep(every);
      await p.send(message(args, `${ctx.scenario.personas.length}-m${++ctx.msgSeq}`));
    }
  },
  disconnect: async (ctx, a) => persona(ctx, a.persona).disconnect(),
  drop: async (ctx, a) => persona(ctx, a.persona).drop(),
  "stop-acking": async (ctx, a) => persona(ctx, a.persona).setAcking(false),
  "start-acking": async (ctx, a) => persona(ctx, a.persona).setAcking(true),
  csi: async (ctx, a) => persona(ctx, a.persona).csi(a.state as "active" | "inactive"),
  wait: async (ctx, a) => ctx.session.sleep(ms(a.duration, 0)),
  app: async (ctx, a) => {
    const rule: AppBehaviour = { reply: a.reply as AppBehaviour["reply"] };
    if (typeof a.node === "string") rule.node = a.node;
    if (Array.isArray(a.pushes)) rule.pushes = [a.pushes[0] as number, a.pushes[1] as number];
    if (a.from === "spoofed" || a.from === "self") rule.from = a.from;
    if (a.delay !== undefined) rule.delayMs = ms(a.delay, 0);
    app(ctx, a.name).behave(rule);
  },
  "app-offline": async (ctx, a) => needControl(ctx, "disconnect an app server", ctx.session.controls.appConnection)(app(ctx, a.name).name, false),
  "app-online": async (ctx, a) => needControl(ctx, "reconnect an app server", ctx.session.controls.appConnection)(app(ctx, a.name).name, true),
  restart: async (ctx) => needControl(ctx, "restart the server", ctx.session.controls.restart)(),
  store: async (ctx, a) => needControl(ctx, "make storage fail", ctx.session.controls.storeFailure)(a["fail-writes"] === true),
  ping: async (ctx, a) => {
    const ping = needControl(ctx, "fire cloud-notify-ping", ctx.session.controls.ping);
    const spec = ctx.scenario.personas.find((p) => p.name === a.persona);
    if (!spec) throw new ScenarioError(`unknown persona ${String(a.persona)}`);
    const regs = (a.registrations as { app?: string; node?: string }[] | undefined)?.map((r) => ({ jid: app(ctx, r.app).jid, node: r.node }));
    await ping(spec.account, regs); // the scenario's account name; each target maps it to its own JID
  },
};

/** Runs one step with the scenario's own expectation only; a failed check throws ExpectationFailed. */
export async function performStep(ctx: StepContext, action: string, args: StepArgs): Promise<void> {
  const check = CHECKS[action];
  if (!check) return ACTIONS[action]!(ctx, args);
  const failure = check.judge(ctx, args, await check.observe(ctx, [args]));
  if (failure) throw new ExpectationFailed(failure);
}

/** Every step name the runner knows (plain actions and checks). */
export const STEP_NAMES = [...Object.keys(ACTIONS), ...Object.keys(CHECKS)];
