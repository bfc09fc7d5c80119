// Where registrations and error counts live. The engine only talks to this interface, so a
// restart with the same store keeps both (unlike the anchor, which keeps error counts in memory).

export interface Registration {
  /** jid + "<" + (node or "") — the anchor's identifier, kept so operators recognise it. */
  id: string;
  jid: string;
  node?: string;
  /** The enable request's jabber:x:data form, serialized verbatim; absent if none was sent. */
  publishOptions?: string;
  /** Enable time on the injected clock (ms), and a per-user sequence number that breaks ties. */
  enabledAt: number;
  seq: number;
  /** The enabling device (R-BIND-RESOURCE). */
  resource?: string;
  clientId?: string;
  lang?: string;
}

export interface UserPushRecord {
  registrations: Registration[];
  /** Persistent error counts per registration id (R-ERR-COUNT). */
  errors: Record<string, number>;
}

export interface RegistrationStore {
  /** A copy of the user's record (empty when none). May throw StoreError. */
  load(user: string): UserPushRecord;
  /** Replaces the user's record atomically; throws StoreError on failure (nothing is written). */
  save(user: string, record: UserPushRecord): void;
  /**
   * Optional fast read: the user's current record, shared, never to be changed by the caller (the
   * store replaces records on save, it never edits them). The engine reads through it on every push.
   */
  view?(user: string): Readonly<UserPushRecord>;
}

export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreError";
  }
}

export function emptyRecord(): UserPushRecord {
  return { registrations: [], errors: {} };
}

const EMPTY: Readonly<UserPushRecord> = Object.freeze({ registrations: Object.freeze([]) as unknown as Registration[], errors: Object.freeze({}) });

function copy(r: UserPushRecord): UserPushRecord {
  return { registrations: r.registrations.map((x) => ({ ...x })), errors: { ...r.errors } };
}

/** In-memory store; `failWrites` simulates a broken disk (R-ENABLE-STOREFAIL). */
export class MemoryStore implements RegistrationStore {
  private readonly users = new Map<string, UserPushRecord>();
  failWrites = false;
  failReads = false;

  load(user: string): UserPushRecord {
    if (this.failReads) throw new StoreError("store unavailable (simulated)");
    const r = this.users.get(user);
    return r ? copy(r) : emptyRecord();
  }

  view(user: string): Readonly<UserPushRecord> {
    if (this.failReads) throw new StoreError("store unavailable (simulated)");
    return this.users.get(user) ?? EMPTY;
  }

  save(user: string, record: UserPushRecord): void {
    if (this.failWrites) throw new StoreError("store write failed (simulated)");
    if (record.registrations.length === 0 && Object.keys(record.errors).length === 0) this.users.delete(user);
    else this.users.set(user, copy(record));
  }

  /** Users with a record (tests and invariants). */
  userCount(): number {
    return this.users.size;
  }
}
