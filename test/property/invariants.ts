// The safety invariants, checked at the moment each push is emitted (with the session states that
// hold then) and after every step (store contents). A violation says which invariant, which rule,
// and which push of which app server broke it, so the YAML can expect the right thing.
import type { Element } from "@xmpp/xml";
import type { PushInfo } from "../../engine/engine.ts";
import { NS } from "../../engine/xmlns.ts";
import { resolvePushOptions, type PushOptions } from "../../engine/options.ts";
import type { PropertyWorld } from "./world.ts";
import { summaryFields } from "../../simulator/protocol/push-form.ts";

export type InvariantName =
  | "privacy" // no body / sender leaves when the options are off; sealed text never leaves
  | "live-acking" // no push to a registration whose device is live and acking (unless urgent)
  | "dedup" // no stanza pushed twice to one registration
  | "max-devices" // never more than push_max_devices registrations
  | "removed" // a removed registration never receives a push
  | "store" // error counts and registrations stay consistent
  | "step-failed"; // a step's own expectation (e.g. enable → result) failed, or something threw

export interface Violation {
  invariant: InvariantName;
  rules: string[];
  message: string;
  /** The offending push, when there is one: app server name and its 0-based push index there. */
  push?: { app: string; index: number; stanza: Element | null; xml: string };
}

/** Text that must never reach an app server: ciphertexts of stanzas.ts and the OMEMO fallback. */
const SEALED_MARKERS = ["sealed-", "Y2lwaGVydGV4dA==", "hQEMA5ciphertext", "b3BlbnBncC1jaXBoZXJ0ZXh0", "OMEMO encrypted message"];


/** XEP-0353 call at the top level (not inside a carbon): the only push allowed to a live device. */
function isUrgent(stanza: Element | null): boolean {
  return !!stanza?.getChild("propose", NS.jmi);
}

/** R-GROUPCHAT-BARE pushes to every registration, online or not (the server delivers it to nobody). */
function isGroupchatToBare(stanza: Element | null): boolean {
  return stanza?.name === "message" && stanza.attrs.type === "groupchat" && !!stanza.attrs.to && !stanza.attrs.to.includes("/");
}

export class Observer {
  readonly options: PushOptions;
  violation?: Violation;
  private world!: PropertyWorld;
  /** user|regId → resource of the device whose enable created it (our model, not the engine's). */
  private readonly boundTo = new Map<string, string>();
  /** user|regId of registrations removed by a disable and not enabled again. */
  private readonly disabled = new Set<string>();
  /** user|regId|lifetime|key of every stanza pushed. */
  private readonly pushed = new Set<string>();
  /** A registration's lifetime runs from the enable that creates it to its removal; re-enabling
   * while it exists (a replacement) continues it. Counted per user|regId. */
  private readonly lifetime = new Map<string, number>();
  /** user|regId present in the store after the previous step. */
  private present = new Set<string>();

  constructor(options: Record<string, unknown>) {
    this.options = resolvePushOptions(Object.fromEntries(Object.entries(options).filter(([k]) => k.startsWith("push_"))));
  }

  attach(world: PropertyWorld): void {
    this.world = world;
  }

  private fail(v: Violation): void {
    this.violation ??= v;
  }

  // ---- at push time ------------------------------------------------------------------------

  onPush(info: PushInfo): void {
    const reg = info.registration;
    const app = reg.jid.split(".")[0]!;
    const xml = info.push.toString();
    const push = { app, index: this.world.app(app).pushes.length, stanza: info.stanza, xml };
    const at = `push #${push.index + 1} to ${app} (node ${reg.node ?? "none"}, user ${info.user})`;
    this.checkPrivacy(info.push, xml, at, push);
    const slot = `${info.user}|${reg.id}`;

    const stored = this.world.store.load(info.user).registrations.find((r) => r.id === reg.id && r.seq === reg.seq);
    if (!stored || this.disabled.has(slot))
      this.fail({ invariant: "removed", rules: ["R-DISABLE", "R-MAXDEV", "R-ERR-COUNT"], message: `${at}: registration ${reg.id} was removed`, push });

    if (info.key !== undefined) {
      // Once removed (disable, eviction, errors) and enabled again, it is a new registration: the
      // engine rightly forgets what it pushed to the old one (R-DISABLE drops its state).
      const k = `${slot}|${this.lifetime.get(slot) ?? 0}|${info.key}`;
      if (this.pushed.has(k))
        this.fail({ invariant: "dedup", rules: ["R-DEDUP"], message: `${at}: stanza ${info.key} pushed twice to ${reg.id}`, push });
      this.pushed.add(k);
    }

    // "Live and acking": live, sent initial presence (it receives messages to the bare JID; without
    // it R-OFFLINE rightly pushes), and either no XEP-0198 or answering acks (ack-delayed or
    // non-acking sessions are not acking). Urgent calls and groupchat-to-bare push to everyone.
    // Pings carry no message and go to every registration by definition (R-PING).
    if (info.stanza && !isUrgent(info.stanza) && !isGroupchatToBare(info.stanza)) {
      const resource = this.boundTo.get(slot);
      const live = this.world.server
        .userSessions(info.user)
        .find((s) => s.resource === resource && s.state === "live" && s.available && (!s.sm || s.acking));
      if (live)
        this.fail({
          invariant: "live-acking",
          rules: ["R-MAM", "R-BIND-RESOURCE", "R-ACK-DELAY", "R-RESUME"],
          message: `${at}: stanza ${info.key} pushed while ${live.fullJid} (bound device, sm ${live.sm ? "on" : "off"}) is live and acking`,
          push,
        });
    }
  }

  private checkPrivacy(el: Element, xml: string, at: string, push: Violation["push"]): void {
    const o = this.options;
    const fields = summaryFields(el);
    const leak = (what: string) => this.fail({ invariant: "privacy", rules: ["R-PRIVACY", "R-PRIVACY-ENC"], message: `${at}: ${what}`, push });
    for (const m of SEALED_MARKERS) if (xml.includes(m)) leak(`sealed content ${JSON.stringify(m)} left the server`);
    if (!o.push_notification_with_sender) {
      if (fields.has("last-message-sender")) leak(`last-message-sender ${JSON.stringify(fields.get("last-message-sender"))} sent with push_notification_with_sender off`);
      if (xml.includes("@")) leak("a JID of a user left the server with push_notification_with_sender off");
    }
    if (!o.push_notification_with_body) {
      const body = fields.get("last-message-body");
      const placeholder = o.push_notification_important_body;
      if (body !== undefined && (placeholder === "" || body !== placeholder)) leak(`last-message-body ${JSON.stringify(body)} sent with push_notification_with_body off`);
      if (xml.includes("plain-")) leak("message text left the server with push_notification_with_body off");
    }
  }

  // ---- after each step ---------------------------------------------------------------------

  /** Called after a step ran to completion; `user`/`resource` are the acting persona's. */
  afterStep(action: string, args: Record<string, unknown>, who?: { account: string; resource: string }): void {
    if (who && (action === "enable" || action === "disable")) {
      const jid = `${args.app as string}.${this.world.domain}`;
      const node = args.node as string | undefined;
      const record = this.world.store.load(who.account);
      if (action === "enable") {
        const slot = `${who.account}|${jid}<${node ?? ""}`;
        // An enable cannot remove its own registration, so "absent before" means a new lifetime.
        if (!this.present.has(slot)) this.lifetime.set(slot, (this.lifetime.get(slot) ?? 0) + 1);
        this.boundTo.set(slot, who.resource);
        this.disabled.delete(slot);
      } else {
        for (const slot of [...this.boundTo.keys()]) {
          const [user, id] = slot.split("|") as [string, string];
          const [rjid, rnode] = id.split("<") as [string, string];
          if (user === who.account && rjid === jid && (node === undefined || rnode === node)) this.disabled.add(slot);
        }
        const left = record.registrations.filter((r) => r.jid === jid && (node === undefined || r.node === node));
        if (left.length > 0)
          this.fail({ invariant: "removed", rules: ["R-DISABLE"], message: `disable ${jid} ${node ?? ""} answered result but ${left.map((r) => r.id).join(", ")} still stored` });
      }
    }
    this.checkStore();
  }

  private checkStore(): void {
    this.present = new Set();
    for (const user of new Set([...this.boundTo.keys()].map((k) => k.split("|")[0]!))) {
      const rec = this.world.store.load(user);
      const ids = rec.registrations.map((r) => r.id);
      for (const id of ids) this.present.add(`${user}|${id}`);
      if (ids.length > this.options.push_max_devices)
        this.fail({ invariant: "max-devices", rules: ["R-MAXDEV"], message: `${user} has ${ids.length} registrations, push_max_devices is ${this.options.push_max_devices}: ${ids.join(", ")}` });
      if (new Set(ids).size !== ids.length) this.fail({ invariant: "store", rules: ["R-ENABLE"], message: `${user} has duplicate registrations: ${ids.join(", ")}` });
      for (const r of rec.registrations) {
        const model = this.boundTo.get(`${user}|${r.id}`);
        if (r.resource !== model)
          this.fail({ invariant: "store", rules: ["R-BIND-RESOURCE"], message: `${user}'s ${r.id} is bound to ${r.resource ?? "nothing"}, but ${model ?? "nobody"} enabled it` });
      }
      for (const [id, n] of Object.entries(rec.errors)) {
        if (!ids.includes(id)) this.fail({ invariant: "store", rules: ["R-DISABLE", "R-ERR-COUNT"], message: `${user} keeps an error count for removed registration ${id}` });
        if (n < 1 || n >= this.options.push_max_errors)
          this.fail({ invariant: "store", rules: ["R-ERR-COUNT"], message: `${user}'s ${id} has error count ${n} (push_max_errors ${this.options.push_max_errors})` });
      }
    }
  }
}
