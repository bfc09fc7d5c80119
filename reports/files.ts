// Writes report files atomically (temp file + rename), so a crash mid-write never leaves a
// truncated report.json that CI would then upload as if it were complete.
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

export async function writeReportFile(dir: string, name: string, content: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content, "utf8");
  await rename(tmp, path);
  return path;
}
