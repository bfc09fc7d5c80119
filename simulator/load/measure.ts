// Matches the messages sent with the pushes seen at the app server: latency per message, lost
// messages (no push covered them), duplicates (a message pushed twice). A push names its message
// by the number in its body. On batching paths (hibernated, ack-delay) one push covers every
// message of its batch: a message without a push of its own counts as covered when a push for
// the same recipient came within `coverMs` after it was sent.
import type { PushSeen } from "./app-recorder.ts";

export interface SentMessage {
  seq: number;
  node: string; // the recipient's push node
  t: number; // performance.now() when handed to the socket
  batched: boolean;
}

export interface Matched {
  latenciesMs: number[];
  pushed: number; // messages with a push of their own
  covered: number; // messages covered by a batch push
  lost: number;
  duplicates: number;
  /** Pushes whose body names no message of ours (e.g. a ping, or an empty body). */
  foreign: number;
}

export function matchPushes(sent: SentMessage[], pushes: PushSeen[], coverMs: number): Matched {
  const bySeq = new Map<number, SentMessage>();
  for (const m of sent) bySeq.set(m.seq, m);
  const firstPush = new Map<number, number>(); // seq → arrival
  let duplicates = 0;
  let foreign = 0;
  const pushTimesByNode = new Map<string, number[]>();
  for (const p of pushes) {
    let times = pushTimesByNode.get(p.node);
    if (!times) pushTimesByNode.set(p.node, (times = []));
    times.push(p.t);
    const m = p.seq === undefined ? undefined : bySeq.get(p.seq);
    if (!m) {
      foreign++;
      continue;
    }
    if (firstPush.has(m.seq)) duplicates++;
    else firstPush.set(m.seq, p.t);
  }
  const latenciesMs: number[] = [];
  let covered = 0;
  let lost = 0;
  for (const m of sent) {
    const at = firstPush.get(m.seq);
    if (at !== undefined) {
      latenciesMs.push(at - m.t);
      continue;
    }
    const times = m.batched ? pushTimesByNode.get(m.node) : undefined;
    if (times?.some((t) => t >= m.t && t <= m.t + coverMs)) covered++;
    else lost++;
  }
  return { latenciesMs, pushed: firstPush.size, covered, lost, duplicates, foreign };
}
