// One recorder for every gateway imitation (FCM, APNs, Web Push): what reached "the phone", and
// how each gateway is told to answer a token (ok, unregistered, unavailable for a while).

export type GatewayName = "fcm" | "apns" | "webpush";
export const GATEWAY_NAMES: GatewayName[] = ["fcm", "apns", "webpush"];

/** How a gateway answers calls for one token. */
export type GatewayAnswer = "ok" | "unregistered" | "unavailable";

export interface GatewayCall {
  seq: number;
  /** ms since the recorder was created. */
  t: number;
  gateway: GatewayName;
  token: string;
  /** "high" or "normal" as the gateway understood the request (FCM android.priority, APNs apns-priority, Web Push Urgency). */
  priority: "high" | "normal" | "low" | "invalid";
  /** APNs apns-push-type; FCM: "notification" when a notification block is present, else "data"; Web Push: "push". */
  pushType: string;
  /** Text a user would see (notification title/body, APNs alert). */
  visibleText: string[];
  /** Every string in the payload (data values included). */
  strings: string[];
  payloadBytes: number;
  /** The HTTP status the imitation answered. */
  status: number;
  /** Why the imitation refused, when it did (e.g. "UNREGISTERED", "PayloadTooLarge"). */
  refusal?: string;
  /** One line for the report's timeline. */
  summary: string;
}

export class GatewayRecorder {
  readonly calls: GatewayCall[] = [];
  private readonly t0 = performance.now();
  private readonly answers = new Map<string, { answer: GatewayAnswer; times?: number }>();
  private readonly listeners: ((c: GatewayCall) => void)[] = [];

  /** From now on, calls for token get this answer (times: only the next n calls, then ok again). */
  setAnswer(gateway: GatewayName, token: string, answer: GatewayAnswer, times?: number): void {
    this.answers.set(`${gateway}|${token}`, { answer, ...(times !== undefined && { times }) });
  }

  /** Consumes one use of the answer set for this token. */
  answerFor(gateway: GatewayName, token: string): GatewayAnswer {
    const key = `${gateway}|${token}`;
    const a = this.answers.get(key);
    if (!a) return "ok";
    if (a.times !== undefined) {
      a.times--;
      if (a.times <= 0) this.answers.delete(key);
    }
    return a.answer;
  }

  record(call: Omit<GatewayCall, "seq" | "t">): GatewayCall {
    const full: GatewayCall = { seq: this.calls.length + 1, t: performance.now() - this.t0, ...call };
    this.calls.push(full);
    for (const l of this.listeners) l(full);
    return full;
  }

  onCall(fn: (c: GatewayCall) => void): void {
    this.listeners.push(fn);
  }

  /** Calls recorded after the given count (use calls.length as a mark). */
  since(mark: number): GatewayCall[] {
    return this.calls.slice(mark);
  }
}

/** Every string leaf of a JSON value. */
export function stringsOf(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(stringsOf);
  if (v && typeof v === "object") return Object.values(v).flatMap(stringsOf);
  return [];
}

/** Title/body/alert texts of an APNs aps dictionary. */
export function apsTexts(aps: unknown): string[] {
  if (!aps || typeof aps !== "object") return [];
  const alert = (aps as Record<string, unknown>).alert;
  if (typeof alert === "string") return alert ? [alert] : [];
  if (alert && typeof alert === "object") {
    const a = alert as Record<string, unknown>;
    return ["title", "subtitle", "body"].map((k) => a[k]).filter((s): s is string => typeof s === "string" && s !== "");
  }
  return [];
}
