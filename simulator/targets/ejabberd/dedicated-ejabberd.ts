// An ejabberd of one scenario's own, for worlds that restart the server: restarting the shared
// one would cut every scenario running beside it.
import type { HostSpec } from "./option-hosts.ts";
import { EjabberdServer, type EjabberdServerOptions } from "./ejabberd-server.ts";
import { AppGateway } from "../../wire/wire-app-server.ts";
import { wireLog } from "../../wire/log.ts";

const log = wireLog("dedicated-ejabberd");

export class DedicatedEjabberd {
  stopped = false;

  private constructor(
    readonly server: EjabberdServer,
    readonly gateway: AppGateway,
    readonly host: HostSpec,
  ) {}

  static async start(host: HostSpec, opts: Omit<EjabberdServerOptions, "hosts"> = {}): Promise<DedicatedEjabberd> {
    const server = await EjabberdServer.start({ ...opts, hosts: [host] });
    const gateway = new AppGateway(server.pushDomain, server.pushSecret, server.componentPort);
    const d = new DedicatedEjabberd(server, gateway, host);
    try {
      await gateway.start();
    } catch (e) {
      await d.stop();
      throw e;
    }
    log.debug({ beam: server.beamPid, host: host.name }, "dedicated ejabberd up");
    return d;
  }

  get beamPid(): number {
    return this.server.beamPid;
  }

  /**
   * Restarts the VM on the same spool and ports. The app component leaves first (otherwise
   * xmpp.js would reconnect it on its own, racing our fresh connection) and comes back after.
   */
  async restart(): Promise<void> {
    if (this.stopped) throw new Error("dedicated ejabberd already stopped");
    await this.gateway.stop();
    await this.server.restart();
    await this.gateway.start();
  }

  /** Stops the component and the VM (by PID) and wipes the temp dir. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.gateway.stop().catch(() => {});
    await this.server.stop();
  }
}
