// Everything pushlab runs for one receiver validation: the gateway imitations and the link to the
// receiver (embedded listener or component on a server). close() stops all of it.
import { fileURLToPath } from "node:url";
import type { Reporter } from "../reporter.ts";
import { EmbeddedChannel, ServerChannel, type ReceiverChannel } from "./channel.ts";
import type { LoadedCheck } from "./check-model.ts";
import { Gateways } from "./gateways/index.ts";
import type { GatewayName } from "./gateways/recorder.ts";
import { BUNDLED_CHECKS_DIR, discoverCheckFiles, loadCheckFile } from "./load-checks.ts";
import { runReceiverChecks, type ReceiverRunResult } from "./run-checks.ts";
import type { ReceiverSetup, Registration } from "./run-state.ts";

export type Connect =
  | { kind: "embedded"; port: number; secret: string; serverDomain?: string }
  | { kind: "server"; host: string; port: number; domain: string; secret: string };

export interface SessionOptions {
  jid: string;
  connect: Connect;
  registration: Registration;
  gatewayNames: GatewayName[];
  httpGatewayPort?: number;
  apnsPort?: number;
  settleMs?: number;
  connectTimeoutMs?: number;
}

export class ReceiverSession {
  private constructor(
    readonly opts: SessionOptions,
    readonly gateways: Gateways,
    readonly channel: ReceiverChannel,
  ) {}

  /** Starts the gateways, then the link (embedded: listening; via a server: connected). */
  static async open(opts: SessionOptions): Promise<ReceiverSession> {
    const gateways = await Gateways.start({ httpPort: opts.httpGatewayPort, apnsPort: opts.apnsPort });
    try {
      const c = opts.connect;
      const channel =
        c.kind === "embedded"
          ? await EmbeddedChannel.listen({ domain: opts.jid, secret: c.secret, port: c.port, ...(c.serverDomain && { serverDomain: c.serverDomain }) })
          : await ServerChannel.connect({ host: c.host, port: c.port, domain: c.domain, secret: c.secret });
      return new ReceiverSession(opts, gateways, channel);
    } catch (e) {
      await gateways.stop();
      throw e;
    }
  }

  /** Embedded mode: the port the receiver's component must connect to. */
  get listenPort(): number | undefined {
    return this.channel instanceof EmbeddedChannel ? this.channel.listener.port : undefined;
  }

  get setup(): ReceiverSetup {
    return {
      channel: this.channel,
      receiverJid: this.opts.jid,
      gateways: this.gateways,
      gatewayNames: this.opts.gatewayNames,
      registration: this.opts.registration,
      ...(this.opts.settleMs !== undefined && { settleMs: this.opts.settleMs }),
      ...(this.opts.connectTimeoutMs !== undefined && { connectTimeoutMs: this.opts.connectTimeoutMs }),
    };
  }

  details(): Record<string, string> {
    const r = this.opts.registration;
    return {
      jid: this.opts.jid,
      registration: r.kind === "given" ? `given node ${r.node}` : `ad-hoc command ${r.command.node} (${Object.keys(r.command.fields).join(", ")})`,
      "push services": this.opts.gatewayNames.join(", "),
      ...this.gateways.describe(),
    };
  }

  /** Loads the checks (default: the bundled ones) and runs them all. */
  run(reporters: Reporter[], checkPaths: string[] = [fileURLToPath(BUNDLED_CHECKS_DIR)], grep?: string): Promise<ReceiverRunResult> {
    return runReceiverChecks({ setup: this.setup, checks: loadChecks(checkPaths, grep), reporters, details: this.details(), options: { ...(grep && { grep }) } });
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.channel.close(), this.gateways.stop()]);
  }
}

export function loadChecks(paths: string[], grep?: string): LoadedCheck[] {
  const all = paths.flatMap(discoverCheckFiles).map((f) => loadCheckFile(f));
  if (!grep) return all;
  const g = grep.toLowerCase();
  return all.filter((l) => [l.ok ? l.check.name : l.name, l.ok ? l.check.rule : l.rule ?? "", l.ok ? l.check.file : l.file].some((s) => s.toLowerCase().includes(g)));
}
