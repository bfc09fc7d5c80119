// The harness's side of ejabberd's mod_http_api on loopback: one POST per command, bounded.
// Accounts and vhost reloads go this way (a few ms each) instead of an `ejabberdctl` call,
// which starts an Erlang VM every time (~1 s).
import { request } from "node:http";

export const API_TIMEOUT_MS = 10_000;

export class ApiError extends Error {}

export class EjabberdApi {
  constructor(private readonly port: number) {}

  /** Runs one command; resolves to its JSON answer, rejects with the server's words on an error. */
  call(command: string, args: Record<string, string> = {}, timeoutMs = API_TIMEOUT_MS): Promise<unknown> {
    const body = JSON.stringify(args);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: this.port,
          method: "POST",
          path: `/api/${command}`,
          // A connection per call: no kept-alive socket to go stale across a server restart.
          agent: false,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close" },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => (text += d));
          res.on("end", () => {
            if (res.statusCode !== 200) return reject(new ApiError(`ejabberd API ${command}: HTTP ${res.statusCode} ${text.slice(0, 300)}`));
            try {
              resolve(text === "" ? "" : JSON.parse(text));
            } catch {
              reject(new ApiError(`ejabberd API ${command}: not JSON: ${text.slice(0, 300)}`));
            }
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new ApiError(`ejabberd API ${command}: no answer within ${timeoutMs} ms`)));
      req.on("error", (e) => reject(e instanceof ApiError ? e : new ApiError(`ejabberd API ${command}: ${e.message}`)));
      req.end(body);
    });
  }

  async register(user: string, host: string, password: string): Promise<void> {
    await this.call("register", { user, host, password });
  }

  async unregister(user: string, host: string): Promise<void> {
    await this.call("unregister", { user, host });
  }

  /** Rereads ejabberd.yml: new vhosts start with their modules. */
  async reloadConfig(): Promise<void> {
    await this.call("reload_config");
  }

  async vhosts(): Promise<string[]> {
    const r = await this.call("registered_vhosts");
    if (!Array.isArray(r)) throw new ApiError(`ejabberd API registered_vhosts: odd answer ${JSON.stringify(r)}`);
    return r.map(String);
  }
}
