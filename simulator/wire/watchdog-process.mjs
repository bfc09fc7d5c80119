// The watchdog process (see watchdog.ts). Plain JavaScript: it starts in ~40 ms without a loader.
// stdin carries lines from the harness: "watch PID [DIR…]" and "unwatch PID" (DIRs URI-encoded).
// When stdin ends — the harness exited or was killed, even by SIGKILL — every PID still watched
// gets SIGTERM (and SIGCONT, in case it is stopped), then SIGKILL after a grace period, and the
// DIRs are removed. It also checks every second that its parent is still the harness.
import { readFileSync, rmSync } from "node:fs";

const GRACE_MS = 2000;
const harness = process.ppid;
const watched = new Map(); // pid -> dirs
let buffer = "";
let cleaning = false;

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie (dead, not yet reaped) still answers kill(pid, 0): it is gone all the same.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true; // no /proc here: trust kill(pid, 0)
  }
}

function signal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

async function cleanUp() {
  if (cleaning) return;
  cleaning = true;
  const pids = [...watched.keys()].filter(alive);
  for (const pid of pids) {
    signal(pid, "SIGTERM");
    signal(pid, "SIGCONT");
  }
  const end = Date.now() + GRACE_MS;
  while (pids.some(alive) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  for (const pid of pids) if (alive(pid)) signal(pid, "SIGKILL");
  for (const dirs of watched.values()) {
    for (const dir of dirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        /* best effort */
      }
    }
  }
  if (pids.length > 0) process.stderr.write(`pushlab watchdog: harness ${harness} gone; stopped ${pids.join(", ")}\n`);
  process.exit(0);
}

function onLine(line) {
  const [cmd, pidText, ...rest] = line.trim().split(" ");
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return;
  if (cmd === "watch") watched.set(pid, rest.filter(Boolean).map((d) => decodeURIComponent(d)));
  else if (cmd === "unwatch") watched.delete(pid);
}

process.on("SIGINT", () => {}); // Ctrl-C is the harness's to handle; we clean up when it is gone
process.on("SIGHUP", () => {});
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  buffer += chunk;
  let nl;
  while ((nl = buffer.indexOf("\n")) !== -1) {
    onLine(buffer.slice(0, nl));
    buffer = buffer.slice(nl + 1);
  }
});
process.stdin.on("end", cleanUp);
process.stdin.on("error", cleanUp);
setInterval(() => {
  if (process.ppid !== harness || !alive(harness)) cleanUp();
}, 1000);
