// The benchmarks' world: one engine on a virtual clock, USERS users with REGS registrations each
// (enabled through the engine's own iq handling), a server port that answers like a fast server
// (every push counted, optionally answered at once with a result), and per-user sessions.
import { Element, xml } from "@xmpp/xml";
import { PushEngine } from "../engine/engine.ts";
import type { KeyedStanza, ServerPort, SessionView } from "../engine/ports.ts";
import { MemoryStore } from "../engine/store.ts";
import { VirtualClock } from "../simulator/clock.ts";

export const DOMAIN = "example.org";
const NS_PUSH = "urn:xmpp:push:0";

/** How each user's devices look to the engine. */
export type Shape =
  | "offline" // no session at all: R-OFFLINE
  | "archive" // a desktop online, the registered phone away: R-MAM to every registration
  | "hibernated" // the registered phone's session hibernates: R-HIB-QUEUE batches
  | "ack-delay"; // the registered phone is connected but not acking: R-ACK-DELAY batches

export type AppAnswer = "result" | "silence";

export interface WorldOptions {
  users: number;
  regs: number;
  shape: Shape;
  answer: AppAnswer;
  engineOptions?: Record<string, unknown>;
}

export interface World {
  engine: PushEngine;
  clock: VirtualClock;
  store: MemoryStore;
  users: string[];
  /** The registered device's session per user (hibernated or live), for the queue paths. */
  phone: SessionView[];
  pushes(): number;
  /** A chat message to user i with a unique key. */
  message(i: number, n: number): KeyedStanza;
}

export function createWorld(o: WorldOptions): World {
  const clock = new VirtualClock();
  const store = new MemoryStore();
  const users = Array.from({ length: o.users }, (_, i) => `u${i}`);
  const phone: SessionView[] = users.map((user) => ({
    id: `${user}/phone`,
    user,
    resource: "phone",
    state: o.shape === "hibernated" ? "hibernated" : "live",
  }));
  const desktop: SessionView[] = users.map((user) => ({ id: `${user}/desktop`, user, resource: "desktop", state: "live" }));
  const index = new Map(users.map((u, i) => [u, i]));
  const none: SessionView[] = [];
  const sessionsOf = (user: string): SessionView[] => {
    const i = index.get(user);
    if (i === undefined || o.shape === "offline") return none;
    return o.shape === "archive" ? [desktop[i]!] : [phone[i]!];
  };
  let pushes = 0;
  let engine!: PushEngine;
  const port: ServerPort = {
    domain: DOMAIN,
    send(push: Element) {
      pushes++;
      if (o.answer !== "result") return;
      // The app server's result, as the server's parser would hand it over.
      const reply = new Element("iq");
      reply.attrs = { type: "result", id: push.attrs.id, from: push.attrs.to, to: DOMAIN };
      engine.handleAppReply(reply);
    },
    sessions: sessionsOf,
    setHibernationTimeout() {},
  };
  engine = new PushEngine({ options: o.engineOptions ?? {}, store, clock, port });
  for (let i = 0; i < o.users; i++) {
    const s = phone[i]!;
    for (let r = 0; r < o.regs; r++) {
      const iq = xml(
        "iq",
        { type: "set", id: `e${r}`, from: `${s.user}@${DOMAIN}/phone` },
        xml("enable", { xmlns: NS_PUSH, jid: `app${r}.push.example`, node: `n-${s.user}-${r}` }),
      );
      const reply = engine.handleIq(s, iq);
      if (reply?.attrs.type !== "result") throw new Error(`enable failed for ${s.user}: ${reply?.toString()}`);
    }
  }
  return {
    engine,
    clock,
    store,
    users,
    phone,
    pushes: () => pushes,
    message: (i, n) => ({
      stanza: xml("message", { from: `friend@${DOMAIN}/x`, to: `${users[i]}@${DOMAIN}`, type: "chat" }, xml("body", {}, `hello ${n}`)),
      key: `k${n}`,
    }),
  };
}
