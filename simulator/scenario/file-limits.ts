// Limits on scenario files, checked before the loader does anything costly with them: size,
// encoding, YAML aliases and nesting. Each problem is an error for that file alone (with its
// line and column); the other files still load and run.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from "yaml";

/** A scenario is a page of YAML; 1 MiB is generous. A 10 MB file took 15 s and 1.8 GB to validate. */
export const DEFAULT_MAX_SCENARIO_BYTES = 1024 * 1024;
/** Alias uses per file (the yaml library's own default bound for expansion). */
export const MAX_ALIASES = 100;
/** Collections nested deeper than this are refused before the library recurses into them. */
export const MAX_NESTING = 64;

export interface LimitProblem {
  message: string;
  offset: number; // in the text (characters); for bytes see invalidUtf8
}

/** The limit in force: PUSHLAB_MAX_SCENARIO_BYTES overrides the default. */
export function maxScenarioBytes(): number {
  const n = Number(process.env.PUSHLAB_MAX_SCENARIO_BYTES);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_MAX_SCENARIO_BYTES;
}

export function sizeProblem(bytes: number, limit = maxScenarioBytes()): string | undefined {
  return bytes > limit ? `file is ${bytes} bytes, over the limit of ${limit} bytes for a scenario file (PUSHLAB_MAX_SCENARIO_BYTES)` : undefined;
}

/**
 * Offset of the first byte that is not valid UTF-8 (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF), or -1. Linear; no decoder that would quietly insert U+FFFD.
 */
export function invalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) (need = 1), (min = 0x80);
    else if (c >= 0xe0 && c <= 0xef) (need = 2), (min = 0x800);
    else if (c >= 0xf0 && c <= 0xf4) (need = 3), (min = 0x10000);
    else return i;
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const x = b[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column (in characters) of a byte offset in UTF-8 text valid up to it. */
export function lineColOfByte(b: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (b[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const col = Buffer.from(b.subarray(lineStart, offset)).toString("utf8").length + 1;
  return { line, col };
}

/** The yaml library reports its own stack overflow as a parse error: say what it means. */
export function explainYamlError(message: string): string {
  return /Maximum call stack size exceeded/.test(message)
    ? `nesting too deep to parse (more than ${MAX_NESTING} levels are refused; this goes much deeper)`
    : message;
}

/** Too many aliases or too deep nesting in one parsed document (iterative: never recurses). */
export function documentProblem(doc: Document.Parsed): LimitProblem | undefined {
  const aliases: number[] = []; // offsets
  const stack: [Node | null | undefined, number][] = [[doc.contents as Node | null, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (!node) continue;
    if (isAlias(node)) {
      aliases.push(node.range?.[0] ?? 0);
      continue;
    }
    if (isMap(node) || isSeq(node)) {
      if (depth > MAX_NESTING) return { message: `nested deeper than ${MAX_NESTING} levels`, offset: node.range?.[0] ?? 0 };
      for (const item of node.items as unknown[]) {
        if (isPair(item)) {
          stack.push([item.key as Node, depth + 1]);
          stack.push([item.value as Node, depth + 1]);
        } else stack.push([item as Node, depth + 1]);
      }
    } else if (!isScalar(node)) {
      continue;
    }
  }
  aliases.sort((a, b) => a - b);
  if (aliases.length > MAX_ALIASES) {
    return { message: `${aliases.length} YAML aliases in one file, more than ${MAX_ALIASES} (an alias bomb?); scenarios need few or none`, offset: aliases[MAX_ALIASES]! };
  }
  const firstAlias = aliases[0] ?? -1;
  // Few aliases can still expand exponentially (each one pointing at a list of the previous).
  try {
    doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    if (firstAlias >= 0 && /alias/i.test((e as Error).message)) {
      return { message: `YAML aliases expand too far (an alias bomb?): ${(e as Error).message}`, offset: firstAlias };
    }
    if (e instanceof RangeError) return { message: explainYamlError(e.message), offset: 0 };
    throw e;
  }
  return undefined;
}
