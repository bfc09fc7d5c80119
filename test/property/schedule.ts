// Random schedules: a world (accounts, devices, app servers, options) and a list of abstract
// commands. Commands name personas and apps by index, taken modulo the candidates that make sense
// at that moment (e.g. only connected personas can send), so fast-check can shrink the world and
// the commands independently; run.ts turns them into scenario steps.
import fc from "fast-check";

export const ACCOUNTS = ["alice", "bob", "carol"] as const;
export const RESOURCES = ["phone", "tablet", "desk"] as const;
export const APPS = ["push", "fcm"] as const;
export const NODES = ["n1", "n2"] as const;

export interface WorldConfig {
  devices: number[]; // devices per account (2–3 accounts, 1–3 devices each)
  apps: number; // 1–2 app servers
  archive: boolean;
  options: Record<string, boolean | number | string>;
}

export type MessageKind =
  | "body"
  | "empty-body"
  | "normal"
  | "encrypted"
  | "call"
  | "chat-state"
  | "headline"
  | "groupchat"
  | "groupchat-subject"
  | "receipt"
  | "marker";

export type Cmd =
  | { t: "connect"; p: number; sm: boolean; carbons: boolean; presence: boolean }
  | { t: "enable"; p: number; app: number; node?: number; secret: boolean }
  | { t: "disable"; p: number; app: number; node?: number }
  | { t: "drop" | "resume" | "disconnect" | "stop-acking" | "start-acking" | "ping"; p: number }
  | { t: "csi"; p: number; active: boolean }
  | { t: "send"; p: number; to: number; full: boolean; kind: MessageKind; cipher: number; withBody: boolean }
  | { t: "app"; app: number; reply: AppReply; spoofed: boolean; node?: number; pushes?: [number, number] }
  | { t: "restart" }
  | { t: "wait"; d: string };

export type AppReply = "result" | "silence" | { error: { type: string; condition: string } };

const idx = fc.nat({ max: 8 });
const maybeNode = fc.option(fc.nat({ max: 1 }), { nil: undefined });

const optionsArb = fc
  .record({
    push_notification_with_body: fc.boolean(),
    push_notification_with_sender: fc.boolean(),
    push_max_devices: fc.constantFrom(1, 2, 3, 5),
    push_max_errors: fc.constantFrom(1, 2, 3, 16),
    push_notification_important_body: fc.constantFrom("New Message!", "", "You have mail"),
    push_max_hibernation_timeout: fc.constantFrom(undefined, 120, 3600),
    push_reply_timeout: fc.constantFrom(undefined, 5),
    smacks_hibernation_time: fc.constantFrom(undefined, 60, 300),
    smacks_max_ack_delay: fc.constantFrom(undefined, 5),
  })
  .map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as WorldConfig["options"]);

export const worldArb: fc.Arbitrary<WorldConfig> = fc.record({
  devices: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 3 }),
  apps: fc.integer({ min: 1, max: 2 }),
  archive: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
  options: optionsArb,
});

const durationArb = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 999 }).map((n) => `${n}ms`), weight: 4 },
  { arbitrary: fc.integer({ min: 1, max: 59 }).map((n) => `${n}s`), weight: 4 },
  { arbitrary: fc.integer({ min: 1, max: 59 }).map((n) => `${n}m`), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 80 }).map((n) => `${n}h`), weight: 1 },
);

const replyArb: fc.Arbitrary<AppReply> = fc.oneof(
  { arbitrary: fc.constant("result" as const), weight: 3 },
  { arbitrary: fc.constant("silence" as const), weight: 1 },
  {
    arbitrary: fc.record({
      error: fc.record({
        type: fc.constantFrom("wait", "cancel", "modify", "auth"),
        condition: fc.constantFrom("internal-server-error", "item-not-found", "resource-constraint", "not-authorized"),
      }),
    }),
    weight: 3,
  },
);

const kindArb: fc.Arbitrary<MessageKind> = fc.constantFrom(
  "body", "body", "body", "empty-body", "normal", "encrypted", "encrypted", "call",
  "chat-state", "headline", "groupchat", "groupchat-subject", "receipt", "marker",
);

const personaCmd = (t: "drop" | "resume" | "disconnect" | "stop-acking" | "start-acking" | "ping") =>
  idx.map((p) => ({ t, p }) as Cmd);

const appCmdArb: fc.Arbitrary<Cmd> = fc.record({
  t: fc.constant("app" as const),
  app: idx,
  reply: replyArb,
  spoofed: fc.oneof(fc.constant(false), fc.constant(false), fc.constant(true)),
  node: maybeNode,
  pushes: fc.option(fc.tuple(fc.integer({ min: 1, max: 20 }), fc.nat({ max: 10 })).map(([a, k]) => [a, a + k] as [number, number]), { nil: undefined }),
});

export const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant("connect" as const), p: idx, sm: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(false)), carbons: fc.boolean(), presence: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(true), fc.constant(false)) }), weight: 12 },
  { arbitrary: fc.record({ t: fc.constant("enable" as const), p: idx, app: idx, node: maybeNode, secret: fc.boolean() }), weight: 10 },
  { arbitrary: fc.record({ t: fc.constant("disable" as const), p: idx, app: idx, node: maybeNode }), weight: 2 },
  { arbitrary: personaCmd("drop"), weight: 6 },
  { arbitrary: personaCmd("resume"), weight: 4 },
  { arbitrary: personaCmd("disconnect"), weight: 4 },
  { arbitrary: personaCmd("stop-acking"), weight: 4 },
  { arbitrary: personaCmd("start-acking"), weight: 2 },
  { arbitrary: personaCmd("ping"), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant("csi" as const), p: idx, active: fc.boolean() }), weight: 2 },
  {
    arbitrary: fc.record({ t: fc.constant("send" as const), p: idx, to: idx, full: fc.boolean(), kind: kindArb, cipher: fc.nat({ max: 3 }), withBody: fc.boolean() }),
    weight: 24,
  },
  { arbitrary: appCmdArb, weight: 4 },
  { arbitrary: fc.constant({ t: "restart" } as Cmd), weight: 1 },
  { arbitrary: durationArb.map((d) => ({ t: "wait", d }) as Cmd), weight: 12 },
);

/** A device's opening: connect, enable, then stay, vanish, leave or stop acking (so most random
 * schedules reach interesting states instead of sending to nobody). */
const openingArb: fc.Arbitrary<Cmd[]> = fc
  .record({
    p: idx,
    sm: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(false)),
    carbons: fc.boolean(),
    app: idx,
    node: maybeNode,
    secret: fc.boolean(),
    then: fc.constantFrom("stay", "stay", "drop", "disconnect", "stop-acking"),
  })
  .map(({ p, sm, carbons, app, node, secret, then }) => {
    const cmds: Cmd[] = [
      { t: "connect", p, sm, carbons, presence: true },
      { t: "enable", p, app, node, secret },
    ];
    if (then !== "stay") cmds.push({ t: then as "drop" | "disconnect" | "stop-acking", p });
    return cmds;
  });

export const scheduleArb: fc.Arbitrary<[WorldConfig, Cmd[]]> = fc
  .tuple(
    worldArb,
    fc.array(appCmdArb, { maxLength: 2 }), // how the app servers answer from the start
    fc.array(openingArb, { maxLength: 6, size: "max" }),
    fc.array(cmdArb, { minLength: 1, maxLength: 50, size: "max" }),
  )
  .map(([w, apps, opening, cmds]) => [w, [...apps, ...opening.flat(), ...cmds]] as [WorldConfig, Cmd[]]);

/** Persona names and specs of a world: alice1 (alice/phone), alice2 (alice/tablet), … */
export function personasOf(w: WorldConfig): { name: string; account: string; resource: string }[] {
  return w.devices.flatMap((n, a) =>
    Array.from({ length: n }, (_, d) => ({ name: `${ACCOUNTS[a]}${d + 1}`, account: ACCOUNTS[a]!, resource: RESOURCES[d]! })),
  );
}

export function appsOf(w: WorldConfig): string[] {
  return APPS.slice(0, w.apps);
}
