// R-DEDUP: which stanzas each registration has already been pushed (or covered by a push for).
// A key is kept while the server still holds its stanza (in a session's queue), and dropped when
// the server settles it (acknowledged by every device, or stored offline): memory follows what is
// in flight, not how many pushes were ever sent. Bounded per registration as well (oldest first).
// Kept as user → registration → keys: a lookup builds no composite string (it is on every push).
export class DedupMemory {
  private readonly seen = new Map<string, Map<string, Set<string>>>();
  constructor(private readonly capacity: number) {}

  has(user: string, regId: string, key: string): boolean {
    return this.seen.get(user)?.get(regId)?.has(key) ?? false;
  }

  add(user: string, regId: string, key: string): void {
    let regs = this.seen.get(user);
    if (!regs) this.seen.set(user, (regs = new Map()));
    let set = regs.get(regId);
    if (!set) regs.set(regId, (set = new Set()));
    set.delete(key);
    set.add(key);
    if (set.size > this.capacity) set.delete(set.values().next().value!);
  }

  /** The user's stanzas with these keys can no longer be pushed: no registration needs them. */
  settle(user: string, keys: readonly string[]): void {
    const regs = this.seen.get(user);
    if (!regs) return;
    for (const [regId, set] of regs) {
      for (const k of keys) set.delete(k);
      if (set.size === 0) regs.delete(regId);
    }
    if (regs.size === 0) this.seen.delete(user);
  }

  forget(user: string, regId: string): void {
    const regs = this.seen.get(user);
    if (!regs) return;
    regs.delete(regId);
    if (regs.size === 0) this.seen.delete(user);
  }

  /** Users with any memory (tests: a user's last registration gone leaves nothing behind). */
  userCount(): number {
    return this.seen.size;
  }

  size(): number {
    let n = 0;
    for (const regs of this.seen.values()) for (const s of regs.values()) n += s.size;
    return n;
  }
}
