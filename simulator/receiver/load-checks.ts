// Receiver check files (YAML) → typed checks. Strict schema (check.schema.json: unknown keys are
// errors), then meaning (known rule, one action per step, devices registered before use). Every
// problem is reported as file:line:col; a broken file never stops the others from loading.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { SourceLocation } from "../results.ts";
import { parseDuration } from "../scenario/duration.ts";
import type { CheckLoadError, CheckStep, LoadedCheck, ReceiverCheck } from "./check-model.ts";
import { loadReceiverRules } from "./rules.ts";

export const CHECK_SCHEMA = JSON.parse(readFileSync(new URL("./check.schema.json", import.meta.url), "utf8"));
export const BUNDLED_CHECKS_DIR = new URL("./checks/", import.meta.url);
const validate = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(CHECK_SCHEMA);
const ACTIONS = Object.keys(CHECK_SCHEMA.definitions.step.properties).filter((k) => k !== "note");

export const DEFAULT_PUBLISH_WITHIN_MS = 5_000;
export const DEFAULT_BURST_WITHIN_MS = 60_000;

/** Check files in a directory (sorted: the file names give the run order) or the file itself. */
export function discoverCheckFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(path, f));
}

export function loadCheckFile(path: string, display = relative(process.cwd(), path) || path): LoadedCheck {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return { ok: false, file: display, name: display, source: "", errors: [{ message: `cannot read file: ${(e as Error).message}`, loc: { file: display, line: 1, col: 1 } }] };
  }
  return loadCheckText(text, display);
}

export function loadCheckText(text: string, file: string): LoadedCheck {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourceLocation => {
    const p = lc.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  const raw = doc.toJS() as Record<string, unknown> | null;
  const name = typeof raw?.name === "string" ? raw.name : file;
  const rule = typeof raw?.rule === "string" ? raw.rule : undefined;
  const broken = (errors: CheckLoadError[]): LoadedCheck => ({ ok: false, file, name, ...(rule && { rule }), source: text, errors });
  if (doc.errors.length > 0) return broken(doc.errors.map((e) => ({ message: `YAML syntax: ${e.message.split("\n")[0]}`, loc: at(e.pos[0]) })));
  if (!validate(raw)) return broken(explain(validate.errors ?? [], doc, at));
  const d = raw as { name: string; rule: string; description?: string; steps: Record<string, unknown>[] };
  const errors: CheckLoadError[] = [];
  const locOf = (path: (string | number)[]) => nodeLoc(doc, path, at);
  if (!loadReceiverRules().some((r) => r.id === d.rule)) errors.push({ message: `unknown rule '${d.rule}' (see simulator/receiver/rules.yaml)`, loc: locOf(["rule"]) });
  const devices = new Set<string>();
  const steps: CheckStep[] = [];
  d.steps.forEach((s, i) => {
    const loc = locOf(["steps", i]);
    const actions = Object.keys(s).filter((k) => k !== "note");
    if (actions.length !== 1) {
      errors.push({ message: `a step has exactly one action (${ACTIONS.join(", ")}), got ${actions.length ? actions.join(" + ") : "none"}`, loc });
      return;
    }
    const action = actions[0]!;
    const v = s[action] as Record<string, unknown>;
    const device = typeof v === "object" && v && typeof v.device === "string" ? v.device : undefined;
    if (device && !devices.has(device)) errors.push({ message: `device '${device}' is used before a register step names it`, loc: locOf(["steps", i, action, "device"]) });
    const note = typeof s.note === "string" ? { note: s.note } : {};
    const ms = (x: unknown, dflt: number) => (x === undefined ? dflt : parseDuration(x)!);
    switch (action) {
      case "register":
        devices.add(v.as as string);
        steps.push({ action, loc, ...note, as: v.as as string, ...(v.gateway !== undefined && { gateway: v.gateway as "fcm" }) });
        break;
      case "disco":
        steps.push({ action, loc, ...note, identity: (v.identity as { category: string; type: string }) ?? { category: "pubsub", type: "push" }, withinMs: ms(v.within, DEFAULT_PUBLISH_WITHIN_MS) });
        break;
      case "publish": {
        const expect = v.expect as "result" | "error" | "answer";
        const situation = (v.situation as "valid") ?? (expect === "error" ? "permanent" : expect === "result" ? "valid" : undefined);
        if (!situation) errors.push({ message: "expect: answer needs a situation (valid, transient or permanent) to judge an error by", loc: locOf(["steps", i, action]) });
        if (v.body !== undefined && v["body-bytes"] !== undefined) errors.push({ message: "give body or body-bytes, not both", loc: locOf(["steps", i, action]) });
        steps.push({
          action,
          loc,
          ...note,
          device: device!,
          variant: (v.variant as "ping") ?? "prosody-important",
          ...(v.body !== undefined && { body: v.body as string }),
          ...(v["body-bytes"] !== undefined && { bodyBytes: v["body-bytes"] as number }),
          ...(v.sender !== undefined && { sender: v.sender as string }),
          secret: (v.secret as "right") ?? "right",
          node: (v.node as "own") ?? "own",
          expect,
          situation: situation ?? "valid",
          withinMs: ms(v.within, DEFAULT_PUBLISH_WITHIN_MS),
          ...(v.gateway !== undefined && { gateway: v.gateway as object }),
        });
        break;
      }
      case "hostile":
        steps.push({ action, loc, ...note, device: device!, min: (v.min as number) ?? 20, withinMs: ms(v.within, DEFAULT_PUBLISH_WITHIN_MS) });
        break;
      case "burst":
        steps.push({ action, loc, ...note, device: device!, count: v.count as number, variant: (v.variant as "ping") ?? "prosody-important", withinMs: ms(v.within, DEFAULT_BURST_WITHIN_MS) });
        break;
      case "gateway":
        steps.push({ action, loc, ...note, device: device!, answer: v.answer as "ok", ...(v.times !== undefined && { times: v.times as number }) });
        break;
      case "wait":
        steps.push({ action, loc, ...note, ms: parseDuration(v)! });
        break;
      case "consequences":
        steps.push({ action, loc, ...note });
        break;
    }
  });
  if (errors.length > 0) return broken(errors);
  const check: ReceiverCheck = { id: `${file}#${d.name}`, file, name: d.name, rule: d.rule, ...(d.description && { description: d.description }), steps, source: text };
  return { ok: true, check };
}

/** Where a value sits (the nearest ancestor with a position). */
function nodeLoc(doc: Document.Parsed, path: (string | number)[], at: (o: number) => SourceLocation): SourceLocation {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
    if (node && (isMap(node) || isSeq(node) || isScalar(node)) && node.range) return at(node.range[0]);
  }
  return at(0);
}

function keyLoc(doc: Document.Parsed, path: (string | number)[], key: string, at: (o: number) => SourceLocation): SourceLocation {
  const parent = doc.getIn(path, true) as Node | undefined;
  if (parent && isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.key) && pair.key.range) return at(pair.key.range[0]);
  }
  return nodeLoc(doc, path, at);
}

const pathOf = (p: string) => (p ? p.split("/").slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, "/").replace(/~0/g, "~"))) : []);

/** One message per problem, deepest first, each at its place in the file. */
function explain(errs: ErrorObject[], doc: Document.Parsed, at: (o: number) => SourceLocation): CheckLoadError[] {
  const out = new Map<string, CheckLoadError>();
  const sorted = [...errs].sort((a, b) => b.instancePath.split("/").length - a.instancePath.split("/").length);
  for (const e of sorted) {
    const path = pathOf(e.instancePath);
    const where = e.instancePath || "(top level)";
    if (e.keyword === "anyOf" && [...out.keys()].some((k) => k.startsWith(e.instancePath))) continue;
    let message: string;
    let loc = nodeLoc(doc, path, at);
    const params = e.params as Record<string, unknown>;
    if (e.keyword === "additionalProperties") {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      const isStep = path.length === 2 && path[0] === "steps";
      message = isStep ? `unknown step '${key}'; expected one of: ${ACTIONS.join(", ")}` : `unknown key '${key}' in ${where}; expected one of: ${allowed.join(", ")}`;
      loc = keyLoc(doc, path, key, at);
    } else if (e.keyword === "required") {
      message = `${where}: missing '${String(params.missingProperty)}'`;
    } else if (e.keyword === "enum") {
      message = `${where}: expected one of ${(params.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(", ")}, got ${JSON.stringify(doc.getIn(path))}`;
    } else {
      message = `${where}: ${e.message ?? "invalid"}${e.keyword === "type" || e.keyword === "pattern" ? `, got ${JSON.stringify(doc.getIn(path))}` : ""}`;
    }
    const key = `${e.instancePath}|${e.keyword === "additionalProperties" ? String(params.additionalProperty) : ""}`;
    if ([...out.keys()].some((k) => k.startsWith(`${e.instancePath}|`)) && e.keyword !== "additionalProperties") continue;
    out.set(key, { message, loc });
  }
  return [...out.values()].sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col);
}
