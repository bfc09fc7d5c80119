import type { LoadOptions } from "./options.ts";
import type { LoadResult } from "./run-load.ts";
export async function runTsungLoad(_o: LoadOptions): Promise<LoadResult> {
  throw new Error("tsung driver: not written yet");
}
