// A Prosody of one scenario's own, for worlds that restart the server or break its storage:
// doing that to the shared server would disturb every scenario running beside it.
import type { WorldSpec } from "../../target.ts";
import { hostFor, type HostSpec } from "./option-hosts.ts";
import { ProsodyServer, type ProsodyServerOptions } from "./prosody-server.ts";
import { AppGateway } from "../../wire/wire-app-server.ts";
import { ControlClient } from "./control-client.ts";
import { wireLog } from "../../wire/log.ts";

const log = wireLog("dedicated-prosody");

export class DedicatedProsody {
  stopped = false;

  private constructor(
    readonly server: ProsodyServer,
    readonly gateway: AppGateway,
    readonly control: ControlClient,
    readonly host: HostSpec,
    readonly flakyStore: boolean,
  ) {}

  static async start(world: WorldSpec, opts: Omit<ProsodyServerOptions, "hosts" | "flakyStoreHosts"> = {}): Promise<DedicatedProsody> {
    const host = hostFor(world);
    const flakyStore = world.needs?.includes("store-failure") ?? false;
    const server = await ProsodyServer.start({ ...opts, hosts: [host], flakyStoreHosts: flakyStore ? [host.name] : [] });
    const gateway = new AppGateway(server.pushDomain, server.pushSecret, server.componentPort);
    const control = new ControlClient(server.controlDomain, server.controlSecret, server.componentPort);
    const d = new DedicatedProsody(server, gateway, control, host, flakyStore);
    try {
      await server.ensureHost(host);
      await gateway.start();
      await control.start();
      server.watchLiveness((h, ms) => gateway.ping(h, ms));
    } catch (e) {
      await d.stop();
      throw e;
    }
    log.debug({ pid: server.pid, host: host.name, flakyStore }, "dedicated prosody up");
    return d;
  }

  get pid(): number {
    return this.server.pid;
  }

  /**
   * Restarts the process on the same data dir and ports. Our components leave first (otherwise
   * xmpp.js would reconnect them on its own, racing our fresh connections) and come back after.
   */
  async restart(): Promise<void> {
    if (this.stopped) throw new Error("dedicated Prosody already stopped");
    await Promise.allSettled([this.gateway.stop(), this.control.stop()]);
    await this.server.restart();
    await this.gateway.start();
    await this.control.start();
  }

  /** Stops the components and the process (by PID) and wipes the temp dir. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([this.gateway.stop(), this.control.stop()]);
    await this.server.stop();
  }
}
