// R-DEDUP: which stanzas each registration has already been pushed (or covered by a push for).
// Bounded per registration (oldest keys forgotten first) so memory does not grow without end.
export class DedupMemory {
  private readonly seen = new Map<string, Set<string>>();
  constructor(private readonly capacity: number) {}

  private slot(user: string, regId: string): string {
    return `${user}\u0000${regId}`;
  }

  has(user: string, regId: string, key: string): boolean {
    return this.seen.get(this.slot(user, regId))?.has(key) ?? false;
  }

  add(user: string, regId: string, key: string): void {
    const slot = this.slot(user, regId);
    let set = this.seen.get(slot);
    if (!set) this.seen.set(slot, (set = new Set()));
    set.delete(key);
    set.add(key);
    if (set.size > this.capacity) set.delete(set.values().next().value!);
  }

  forget(user: string, regId: string): void {
    this.seen.delete(this.slot(user, regId));
  }

  size(): number {
    let n = 0;
    for (const s of this.seen.values()) n += s.size;
    return n;
  }
}
