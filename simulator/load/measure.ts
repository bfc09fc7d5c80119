// Matches the messages sent with the pushes seen at the app server: latency per message, lost
// messages (no push covered them), duplicates (a message pushed twice). A push names its message
// by the number in its body. On batching paths (hibernated, ack-delay) one push covers every
// message of its batch: a message without a push of its own counts as covered when a push for
// the same recipient came within `coverMs` after it was sent. A server that sends no body (or a
// placeholder) gives pushes without a number: those are matched in order, each to the oldest
// message of its node sent before it and not yet pushed (latency then holds per node, in order).
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
  /** Pushes whose body names no message of ours and that no message of their node was left for. */
  foreign: number;
  /** Messages matched to a push without a number, in order (see above). */
  byOrder: number;
}

export function matchPushes(sent: SentMessage[], pushes: PushSeen[], coverMs: number): Matched {
  const bySeq = new Map<number, SentMessage>();
  for (const m of sent) bySeq.set(m.seq, m);
  const firstPush = new Map<number, number>(); // seq → arrival
  let duplicates = 0;
  let foreign = 0;
  let byOrder = 0;
  const pushTimesByNode = new Map<string, number[]>();
  const unnumbered: PushSeen[] = [];
  for (const p of pushes) {
    let times = pushTimesByNode.get(p.node);
    if (!times) pushTimesByNode.set(p.node, (times = []));
    times.push(p.t);
    const m = p.seq === undefined ? undefined : bySeq.get(p.seq);
    if (!m) {
      unnumbered.push(p);
      continue;
    }
    if (firstPush.has(m.seq)) duplicates++;
    else firstPush.set(m.seq, p.t);
  }
  if (unnumbered.length > 0) {
    const waiting = new Map<string, SentMessage[]>(); // node → its unpushed messages, oldest first
    for (const m of [...sent].sort((a, b) => a.t - b.t)) {
      if (firstPush.has(m.seq)) continue;
      let q = waiting.get(m.node);
      if (!q) waiting.set(m.node, (q = []));
      q.push(m);
    }
    for (const p of [...unnumbered].sort((a, b) => a.t - b.t)) {
      const q = waiting.get(p.node);
      if (q && q.length > 0 && q[0]!.t <= p.t) {
        firstPush.set(q.shift()!.seq, p.t);
        byOrder++;
      } else foreign++;
    }
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
  return { latenciesMs, pushed: firstPush.size, covered, lost, duplicates, foreign, byOrder };
}
