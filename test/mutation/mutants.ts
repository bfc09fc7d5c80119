// Deliberately broken engines: each mutant breaks one rule, and the scenarios named for that
// rule must turn red. This proves the scenarios can fail (no test that cannot fail).
import { classify } from "../../engine/classify.ts";
import { DedupMemory } from "../../engine/dedup.ts";
import { PushEngine } from "../../engine/engine.ts";

type Patch = () => () => void; // apply → restore

export interface Mutant {
  id: string;
  rule: string;
  broken: string; // what was broken, in words
  scenarios: string[]; // scenario files that must fail
  patch?: Patch; // prototype patches; module-level mutants are applied by vi.mock wrappers
}

/** Replaces a (possibly private) method on a prototype for the duration of one test. */
function swap(proto: object, name: string, impl: (this: any, ...args: any[]) => unknown): () => void {
  const p = proto as Record<string, unknown>;
  const original = p[name];
  p[name] = impl;
  return () => void (p[name] = original);
}

const E = PushEngine.prototype;

export const MUTANTS: Mutant[] = [
  { id: "with-body-ignored", rule: "R-PRIVACY", broken: "push_notification_with_body ignored", scenarios: ["content/R-PRIVACY-with-body.yaml", "content/R-PRIVACY-with-both.yaml"] },
  { id: "sender-always", rule: "R-PRIVACY", broken: "sender sent although with_sender is off", scenarios: ["content/R-PRIVACY-default.yaml", "content/R-PRIVACY-with-body.yaml"] },
  { id: "fallback-leaks", rule: "R-PRIVACY-ENC", broken: "with_body sends the fallback text of encrypted messages", scenarios: ["content/R-PRIVACY-ENC-omemo.yaml", "content/R-PRIVACY-ENC-pgp.yaml"] },
  { id: "pubopts-dropped", rule: "R-PUBOPTS", broken: "publish-options dropped from the push", scenarios: ["content/R-PUBOPTS-verbatim.yaml", "registration/R-ENABLE.yaml"] },
  { id: "pubopts-always", rule: "R-PUBOPTS", broken: "an empty publish-options element sent when the enable had none", scenarios: ["content/R-PUBOPTS-absent.yaml"] },
  { id: "wrong-from", rule: "R-FROM", broken: "push sent from a made-up JID", scenarios: ["content/R-FROM.yaml"] },
  { id: "wrong-form-type", rule: "R-SUMMARY", broken: "FORM_TYPE not urn:xmpp:push:summary", scenarios: ["content/R-NOTIFICATION.yaml", "content/R-SUMMARY-form-shape.yaml"] },
  { id: "disable-noop", rule: "R-DISABLE", broken: "disable answers result but removes nothing", scenarios: ["registration/R-DISABLE-all.yaml", "registration/R-DISABLE-node.yaml", "offline/R-DISABLE-push-stops.yaml"] },
  { id: "enable-not-stored", rule: "R-ENABLE", broken: "enable answers result but stores nothing", scenarios: ["registration/R-ENABLE.yaml", "offline/R-OFFLINE-each-message.yaml"] },
  { id: "reenable-duplicates", rule: "R-ENABLE", broken: "re-enabling adds a second registration instead of replacing", scenarios: ["registration/R-ENABLE-replace.yaml"] },
  { id: "nojid-accepted", rule: "R-ENABLE-NOJID", broken: "enable without jid answered result", scenarios: ["registration/R-ENABLE-NOJID.yaml"] },
  { id: "self-accepted", rule: "R-ENABLE-SELF", broken: "own full JID accepted as app server", scenarios: ["registration/R-ENABLE-SELF.yaml"] },
  { id: "bare-accepted", rule: "R-ENABLE-JID", broken: "own bare JID accepted as app server", scenarios: ["registration/R-ENABLE-JID-bare.yaml"] },
  { id: "storefail-hidden", rule: "R-ENABLE-STOREFAIL", broken: "a failed store write answered result", scenarios: ["registration/R-ENABLE-STOREFAIL.yaml"] },
  { id: "maxdev-ignored", rule: "R-MAXDEV", broken: "push_max_devices ignored", scenarios: ["registration/R-MAXDEV.yaml", "registration/R-MAXDEV-ORDER.yaml"] },
  { id: "evict-newest", rule: "R-MAXDEV-ORDER", broken: "the newest registration evicted instead of the oldest", scenarios: ["registration/R-MAXDEV.yaml", "registration/R-MAXDEV-ORDER.yaml", "registration/R-MAXDEV-reenable.yaml"] },
  { id: "veto-reg-ignored", rule: "R-VETO-REG", broken: "registration hook not consulted", scenarios: ["registration/R-VETO-REG.yaml"] },
  { id: "unbound", rule: "R-BIND-RESOURCE", broken: "registrations never count as bound to a reconnected device", scenarios: ["registration/R-BIND-RESOURCE.yaml", "offline/R-OFFLINE-online-no-push.yaml"] },
  { id: "importance-body-only", rule: "R-IMPORTANT", broken: "only a body makes a message important (encryption, calls and the sent-carbon rule ignored)", scenarios: ["important/R-IMPORTANT-omemo.yaml", "important/R-IMPORTANT-call.yaml", "important/R-IMPORTANT-sent-carbon.yaml"] },
  { id: "headline-important", rule: "R-IMPORTANT", broken: "headline and groupchat subject messages treated as important", scenarios: ["important/R-IMPORTANT-headline.yaml", "important/R-IMPORTANT-groupchat-subject.yaml"] },
  {
    id: "no-disco",
    rule: "R-DISCO",
    broken: "urn:xmpp:push:0 missing from disco#info",
    scenarios: ["registration/R-DISCO.yaml"],
    patch: () => swap(E, "accountFeatures", () => []),
  },
  {
    id: "offline-ignored",
    rule: "R-OFFLINE",
    broken: "offline messages not pushed",
    scenarios: ["offline/R-OFFLINE-every-registration.yaml", "offline/R-OFFLINE-full-jid.yaml"],
    patch: () => swap(E, "messageOffline", () => 0),
  },
  {
    id: "offline-first-only",
    rule: "R-OFFLINE",
    broken: "offline messages pushed to the first registration only",
    scenarios: ["offline/R-OFFLINE-every-registration.yaml"],
    patch: () =>
      swap(E, "messageOffline", function (user: string, ks: unknown) {
        return this.pushTo(user, this.registrations(user).slice(0, 1), ks);
      }),
  },
  {
    id: "mam-ignored",
    rule: "R-MAM",
    broken: "archived messages not pushed",
    scenarios: ["archive/R-MAM-other-device-online.yaml"],
    patch: () => swap(E, "messageArchived", () => 0),
  },
  {
    id: "mam-to-all",
    rule: "R-MAM",
    broken: "archived messages pushed to every registration, bound ones included",
    scenarios: ["archive/R-MAM-other-device-online.yaml", "offline/R-OFFLINE-online-no-push.yaml"],
    patch: () =>
      swap(E, "messageArchived", function (owner: string, ks: { stanza: { attrs: Record<string, string> } }) {
        if (!ks.stanza.attrs.to?.startsWith(owner)) return 0;
        if (this.port.sessions(owner).length === 0) return 0;
        return this.pushTo(owner, this.registrations(owner), ks);
      }),
  },
  { id: "urgent-ignored", rule: "R-URGENT", broken: "calls not treated as urgent", scenarios: ["archive/R-URGENT.yaml"] },
  {
    id: "groupchat-ignored",
    rule: "R-GROUPCHAT-BARE",
    broken: "groupchat to the bare JID not pushed",
    scenarios: ["archive/R-GROUPCHAT-BARE.yaml"],
    patch: () => swap(E, "groupchatToBare", () => 0),
  },
  {
    id: "hib-start-ignored",
    rule: "R-HIB-START",
    broken: "unacked queue not processed at hibernation start",
    scenarios: ["hibernation/R-HIB-START.yaml"],
    patch: () => {
      const orig = E.hibernationStarted;
      return swap(E, "hibernationStarted", function (session: unknown) {
        return orig.call(this, session as never, []);
      });
    },
  },
  {
    id: "no-kind-limit",
    rule: "R-HIB-START",
    broken: "every queued stanza pushed (no one-important/one-unimportant limit)",
    scenarios: ["hibernation/R-HIB-START.yaml", "hibernation/R-HIB-QUEUE-flood.yaml"],
    patch: () =>
      swap(E, "processQueue", function (session: { user: string }, items: unknown[]) {
        for (const reg of this.bound(session)) for (const ks of items) this.pushTo(session.user, [reg], ks);
      }),
  },
  {
    id: "queue-ignored",
    rule: "R-HIB-QUEUE",
    broken: "stanzas queued during hibernation not pushed",
    scenarios: ["hibernation/R-HIB-QUEUE.yaml", "multi-device/hibernated-phone-online-tablet.yaml"],
    patch: () => swap(E, "stanzaQueued", () => undefined),
  },
  {
    id: "no-batching",
    rule: "R-HIB-QUEUE",
    broken: "no one-second batching: every queued stanza pushed at once",
    scenarios: ["hibernation/R-HIB-QUEUE.yaml", "hibernation/R-HIB-QUEUE-flood.yaml"],
    patch: () =>
      swap(E, "stanzaQueued", function (session: unknown, ks: unknown) {
        if (this.bound(session).length > 0) this.processQueue(session, [ks]);
      }),
  },
  {
    id: "ack-delay-ignored",
    rule: "R-ACK-DELAY",
    broken: "delayed acks not pushed",
    scenarios: ["hibernation/R-ACK-DELAY.yaml"],
    patch: () => swap(E, "ackDelayed", () => undefined),
  },
  {
    id: "late-ack-ignored",
    rule: "R-ACK-DELAY",
    broken: "an ack that arrives within the batch second does not cancel the push",
    scenarios: ["hibernation/R-ACK-DELAY-late-ack.yaml"],
    patch: () => swap(E, "ackReceived", () => undefined),
  },
  {
    id: "no-extension",
    rule: "R-HIB-EXTEND",
    broken: "hibernation not extended while push is on",
    scenarios: ["hibernation/R-HIB-EXTEND.yaml", "hibernation/R-HIB-EXTEND-unimportant-keeps.yaml"],
    patch: () => {
      const orig = E.hibernationStarted;
      return swap(E, "hibernationStarted", function (session: { id: string }, queue: unknown[]) {
        const port = this.port;
        const set = port.setHibernationTimeout;
        port.setHibernationTimeout = () => {};
        try {
          return orig.call(this, session as never, queue as never);
        } finally {
          port.setHibernationTimeout = set;
        }
      });
    },
  },
  {
    id: "extension-kept",
    rule: "R-HIB-EXTEND",
    broken: "the extension never ends after the first important push",
    scenarios: ["hibernation/R-HIB-EXTEND-normal-after-push.yaml"],
    patch: () => swap(E, "firstPush", () => undefined),
  },
  {
    id: "resume-keeps-batch",
    rule: "R-RESUME",
    broken: "resumption does not cancel the pending batch",
    scenarios: ["hibernation/R-RESUME.yaml"],
    patch: () => swap(E, "hibernationEnded", () => undefined),
  },
  {
    id: "marker-never-reset",
    rule: "R-RESUME",
    broken: "the first-push marker is never reset (not at resumption, not at the next hibernation)",
    scenarios: ["hibernation/R-RESUME-marker.yaml"],
    patch: () => {
      const started = E.hibernationStarted;
      const ended = E.hibernationEnded;
      const keep = (fn: (...a: any[]) => unknown) =>
        function (this: any, session: { id: string }, ...rest: unknown[]) {
          const done = this.sessions.get(session.id)?.firstPushDone;
          fn.call(this, session, ...rest);
          const st = this.sessions.get(session.id);
          if (st && done) st.firstPushDone = true;
        };
      const r1 = swap(E, "hibernationStarted", keep(started as never));
      const r2 = swap(E, "hibernationEnded", keep(ended as never));
      return () => (r2(), r1());
    },
  },
  {
    id: "ping-ignored",
    rule: "R-PING",
    broken: "cloud-notify-ping ignored",
    scenarios: ["ping/R-PING-all.yaml", "ping/R-PING-given.yaml"],
    patch: () => swap(E, "ping", () => 0),
  },
  {
    id: "ping-filter-ignored",
    rule: "R-PING",
    broken: "ping pushes every registration even when given some",
    scenarios: ["ping/R-PING-given.yaml"],
    patch: () => {
      const orig = E.ping;
      return swap(E, "ping", function (user: string) {
        return orig.call(this, user);
      });
    },
  },
  {
    id: "no-dedup",
    rule: "R-DEDUP",
    broken: "no de-duplication memory",
    scenarios: ["dedup/R-DEDUP-call.yaml", "dedup/R-DEDUP-EXPIRY.yaml", "dedup/R-DEDUP-restart.yaml"],
    patch: () => swap(DedupMemory.prototype, "has", () => false),
  },
  {
    id: "covered-not-marked",
    rule: "R-DEDUP-EXPIRY",
    broken: "stanzas covered by a batch push are not remembered (pushed again at expiry)",
    scenarios: ["dedup/R-DEDUP-EXPIRY-flood.yaml"],
    patch: () =>
      swap(E, "processQueue", function (session: { user: string; state: string }, items: { stanza: unknown }[]) {
        for (const reg of this.bound(session)) {
          const done = { important: false, unimportant: false } as Record<string, boolean>;
          for (const ks of items) {
            const key = this.keyOf(ks);
            if (this.dedup.has(session.user, reg.id, key)) continue;
            const kind = this.options.push_notification_important_body !== "" && classify(ks.stanza as never).important ? "important" : "unimportant";
            if (!done[kind] && this.sendPush(session.user, reg, ks)) {
              done[kind] = true;
              this.dedup.add(session.user, reg.id, key); // only the pushed one, not the covered ones
              if (session.state === "hibernated") this.firstPush(session, kind === "important");
            }
          }
        }
      }),
  },
  {
    id: "veto-push-ignored",
    rule: "R-VETO-PUSH",
    broken: "push hook not consulted",
    scenarios: ["dedup/R-VETO-PUSH.yaml"],
    patch: () => {
      const orig = (E as unknown as { sendPush: (...a: unknown[]) => boolean }).sendPush;
      return swap(E, "sendPush", function (...args: unknown[]) {
        const hook = this.hooks.push;
        this.hooks.push = undefined;
        try {
          return orig.apply(this, args);
        } finally {
          this.hooks.push = hook;
        }
      });
    },
  },
  {
    id: "errors-not-counted",
    rule: "R-ERR-COUNT",
    broken: "app-server errors not counted",
    scenarios: ["errors/R-ERR-COUNT-removed.yaml", "errors/R-ERR-COUNT-small-max.yaml", "errors/R-ERR-COUNT-restart.yaml"],
    patch: () => swap(E, "countError", () => undefined),
  },
  {
    id: "counts-in-memory",
    rule: "R-ERR-COUNT",
    broken: "error counts kept in the engine's memory, not the store (a restart forgets them, like the anchor)",
    scenarios: ["errors/R-ERR-COUNT-restart.yaml"],
    patch: () => {
      const counts = new WeakMap<object, Map<string, number>>();
      const r1 = swap(E, "countError", function (user: string, regId: string, err: { type: string }) {
        if (err.type === "wait") return;
        const mem = counts.get(this) ?? new Map<string, number>();
        counts.set(this, mem);
        const n = (mem.get(`${user}<${regId}`) ?? 0) + 1;
        mem.set(`${user}<${regId}`, n);
        if (n < this.options.push_max_errors) return;
        const rec = this.store.load(user);
        const gone = rec.registrations.filter((r: { id: string }) => r.id === regId);
        rec.registrations = rec.registrations.filter((r: { id: string }) => r.id !== regId);
        this.store.save(user, rec);
        this.afterRemoval(user, gone);
      });
      const r2 = swap(E, "resetErrors", function (user: string, regId: string) {
        counts.get(this)?.delete(`${user}<${regId}`);
      });
      return () => (r2(), r1());
    },
  },
  {
    id: "wait-counted",
    rule: "R-ERR-WAIT",
    broken: "wait errors counted like the others",
    scenarios: ["errors/R-ERR-WAIT.yaml"],
    patch: () => {
      const orig = (E as unknown as { countError: (...a: unknown[]) => void }).countError;
      return swap(E, "countError", function (user: string, regId: string) {
        return orig.call(this, user, regId, { type: "cancel", condition: "x" });
      });
    },
  },
  {
    id: "spoof-accepted",
    rule: "R-ERR-SPOOF",
    broken: "errors counted whoever sends them",
    scenarios: ["errors/R-ERR-SPOOF.yaml"],
    patch: () => {
      const orig = E.handleAppReply;
      return swap(E, "handleAppReply", function (iq: { attrs: Record<string, string> }) {
        const p = this.pending.get(iq.attrs.id);
        if (p) iq.attrs.from = p.jid;
        return orig.call(this, iq as never);
      });
    },
  },
  {
    id: "no-reset",
    rule: "R-ERR-RESET",
    broken: "a result does not reset the error count",
    scenarios: ["errors/R-ERR-RESET.yaml", "errors/R-ERR-RESET-15-then-ok.yaml"],
    patch: () => swap(E, "resetErrors", () => undefined),
  },
  {
    id: "removal-keeps-extension",
    rule: "R-ERR-COUNT",
    broken: "a removed registration's hibernated session keeps its extension",
    scenarios: ["errors/R-ERR-COUNT-unbinds.yaml"],
    patch: () => swap(E, "afterRemoval", () => undefined),
  },
  {
    id: "get-accepted",
    rule: "R-MALFORMED",
    broken: "enable in an iq get treated as a set",
    scenarios: ["robustness/R-MALFORMED-enable-get.yaml"],
    patch: () => {
      const orig = E.handleIq;
      return swap(E, "handleIq", function (session: unknown, iq: { attrs: Record<string, string> }) {
        if (iq?.attrs?.type === "get") iq.attrs.type = "set";
        return orig.call(this, session as never, iq as never);
      });
    },
  },
];
