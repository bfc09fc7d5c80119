// The reference receiver's devices: node → (gateway, token, secret). In memory: the reference
// exists to be validated, not to keep users across restarts.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { GatewayName } from "../gateways/recorder.ts";

export interface Device {
  node: string;
  secret: string;
  gateway: GatewayName;
  token: string;
  deviceId: string;
  owner: string; // bare JID that registered it
  /** Set once a gateway said the token is gone: later publishes are refused. */
  refused?: string;
}

export class Registry {
  private readonly byNode = new Map<string, Device>();
  private readonly byKey = new Map<string, Device>();

  /** Registers (or re-registers, keeping node and secret) the owner's device on a gateway. */
  register(owner: string, deviceId: string, gateway: GatewayName, token: string): Device {
    const key = `${owner}|${deviceId}|${gateway}`;
    const old = this.byKey.get(key);
    if (old) {
      old.token = token;
      delete old.refused; // a new token may work again
      return old;
    }
    const d: Device = { node: randomBytes(12).toString("base64url"), secret: randomBytes(18).toString("base64url"), gateway, token, deviceId, owner };
    this.byNode.set(d.node, d);
    this.byKey.set(key, d);
    return d;
  }

  /** Removes the owner's devices with this device id; returns how many. */
  unregister(owner: string, deviceId: string): number {
    let n = 0;
    for (const [key, d] of this.byKey) {
      if (d.owner === owner && d.deviceId === deviceId) {
        this.byKey.delete(key);
        this.byNode.delete(d.node);
        n++;
      }
    }
    return n;
  }

  get(node: string): Device | undefined {
    return this.byNode.get(node);
  }

  get size(): number {
    return this.byNode.size;
  }
}

/** Constant-time secret comparison. */
export function secretMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
