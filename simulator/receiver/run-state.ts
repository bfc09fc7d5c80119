// What a receiver run knows across its checks: how the receiver is reached, the devices obtained,
// every publish's answer (for the consequence check), bodies sent (to spot text that reappears),
// and latencies.
import { randomBytes } from "node:crypto";
import type { ReceiverChannel } from "./channel.ts";
import type { Situation } from "./consequences.ts";
import type { Gateways } from "./gateways/index.ts";
import type { GatewayName } from "./gateways/recorder.ts";
import type { IqOutcome, IqTracker } from "./iq-tracker.ts";
import type { RegistrationCommand } from "./adhoc-client.ts";

export type Registration = { kind: "command"; command: RegistrationCommand } | { kind: "given"; node: string; secret: string };

export interface ReceiverSetup {
  channel: ReceiverChannel;
  receiverJid: string;
  gateways: Gateways;
  /** The push services this receiver forwards to (devices are registered on these). */
  gatewayNames: GatewayName[];
  registration: Registration;
  /** How long to keep collecting push-service calls after an answer (default 200 ms). */
  settleMs?: number;
  /** Bound for the receiver to be (re)connected before each step (default 10 s). */
  connectTimeoutMs?: number;
}

export interface Device {
  name: string;
  gateway: GatewayName;
  node: string;
  secret: string;
  /** Known when we registered it, or learned from its first push-service call. */
  token?: string;
}

export interface ReplyRecord {
  check: string;
  what: string;
  /** undefined: an odd but valid publish whose errors are not judged. */
  situation?: Situation;
  outcome: IqOutcome;
}

/** A token of the shape each push service uses (APNs: 64 hex digits). */
export function newToken(gateway: GatewayName): string {
  if (gateway === "apns") return randomBytes(32).toString("hex");
  if (gateway === "fcm") return `pushlab-fcm:${randomBytes(48).toString("base64url")}`;
  return `pushlab-wp-${randomBytes(16).toString("base64url")}`;
}

export class RunState {
  readonly replies: ReplyRecord[] = [];
  readonly bodiesSent = new Set<string>();
  readonly latencies: number[] = [];
  readonly burstLatencies: number[] = [];
  /** Given mode: tokens learned from push-service calls (we never chose them). */
  readonly learnedTokens = new Map<string, string>();
  /** The receiver's disco identity name, once seen (the report's "version"). */
  identity?: string;
  private seq = 0;

  constructor(
    readonly setup: ReceiverSetup,
    readonly iq: IqTracker,
  ) {}

  get settleMs(): number {
    return this.setup.settleMs ?? 200;
  }

  get connectTimeoutMs(): number {
    return this.setup.connectTimeoutMs ?? 10_000;
  }

  nextDeviceId(name: string): string {
    return `pushlab-${name}-${++this.seq}-${randomBytes(3).toString("hex")}`;
  }
}
