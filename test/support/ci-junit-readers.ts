// What two widely used GitHub Actions show for a JUnit file, on the XML parsers they use (the npm
// packages themselves): dorny/test-reporter reads JUnit with xml2js (parseStringPromise),
// mikepenz/action-junit-report with xml-js (xml2json, compact form). How each action turns the
// parsed tree into its summary and annotations is restated here in our own words, from the facts
// of their sources:
// - dorny: a suite per <testsuite> (its time attribute), tests grouped by classname (no group when
//   the classname equals the suite name); a test with <failure> or <error> is failed, with
//   <skipped> skipped, anything else passed; the run summary counts those three.
// - mikepenz: every <testcase> counts; failure or error without skipped → a "failure" annotation,
//   else a "notice"; path and line from the file/line attributes (line 1 when absent); title
//   "<file>.<name>"; message = the failure's (or error's) message attribute, else its text, else the
//   test name.
import { parseStringPromise } from "xml2js";
import { xml2json } from "xml-js";

type Attr = Record<string, string>;

export interface DornyTest { name: string; result: "success" | "failed" | "skipped"; timeMs: number; message?: string }
export interface DornyView {
  suites: { name: string; timeMs: number; groups: { name: string; tests: DornyTest[] }[] }[];
  passed: number;
  failed: number;
  skipped: number;
}

interface X2jCase { $: Attr; failure?: ({ $?: Attr; _?: string } | string)[]; error?: ({ $?: Attr; _?: string } | string)[]; skipped?: unknown[] }
interface X2jSuite { $: Attr; testcase?: X2jCase[] }

export async function dornyView(xml: string): Promise<DornyView> {
  const doc = (await parseStringPromise(xml)) as { testsuites?: { testsuite?: X2jSuite[] }; testsuite?: X2jSuite };
  const suites = doc.testsuites?.testsuite ?? (doc.testsuite ? [doc.testsuite] : []);
  const view: DornyView = { suites: [], passed: 0, failed: 0, skipped: 0 };
  for (const ts of suites) {
    const groups: DornyView["suites"][number]["groups"] = [];
    for (const tc of ts.testcase ?? []) {
      const group = tc.$.classname === ts.$.name ? "" : tc.$.classname ?? "";
      let g = groups.find((x) => x.name === group);
      if (!g) groups.push((g = { name: group, tests: [] }));
      const result = tc.failure || tc.error ? "failed" : tc.skipped ? "skipped" : "success";
      const f = (tc.failure ?? tc.error)?.[0];
      g.tests.push({ name: tc.$.name!.trim(), result, timeMs: parseFloat(tc.$.time!) * 1000, ...(f && typeof f === "object" && f.$?.message && { message: f.$.message }) });
      view[result === "success" ? "passed" : result]++;
    }
    view.suites.push({ name: ts.$.name!.trim(), timeMs: parseFloat(ts.$.time!) * 1000, groups });
  }
  return view;
}

export interface Annotation { path: string; line: number; title: string; level: "failure" | "notice"; status: "success" | "failure" | "skipped"; message: string }
export interface MikepenzView { totalCount: number; skipped: number; failed: number; passed: number; annotations: Annotation[] }

type Compact = { _attributes?: Attr; _text?: string; _cdata?: string } & Record<string, unknown>;
const many = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

export function mikepenzView(xml: string): MikepenzView {
  const doc = JSON.parse(xml2json(xml, { compact: true })) as { testsuites?: { testsuite?: Compact | Compact[] }; testsuite?: Compact | Compact[] };
  const suites = doc.testsuite ? many(doc.testsuite) : many(doc.testsuites?.testsuite);
  const view: MikepenzView = { totalCount: 0, skipped: 0, failed: 0, passed: 0, annotations: [] };
  for (const ts of suites) {
    for (const tc of many(ts.testcase as Compact | Compact[] | undefined)) {
      view.totalCount++;
      const a = tc._attributes ?? {};
      const failure = many(tc.failure as Compact | Compact[] | undefined)[0];
      const error = tc.error as Compact | undefined;
      const testFailure = failure ?? error;
      const skip = tc.skipped !== undefined || a.status === "disabled" || a.status === "ignored";
      const failed = testFailure !== undefined && !skip;
      if (skip) view.skipped++;
      const text = String(failure?._cdata ?? failure?._text ?? error?._cdata ?? error?._text ?? "").trim();
      const message = (failure?._attributes?.message ?? error?._attributes?.message ?? (text.split("\n").slice(0, 2).join("\n") || a.name!)).trim();
      const path = a.file ?? a.classname!.split(".").at(-1)!;
      const line = a.line ? parseInt(a.line, 10) : 1;
      view.annotations.push({
        path,
        line,
        title: path !== a.name ? `${path}.${a.name}` : a.name!,
        level: failed ? "failure" : "notice",
        status: skip ? "skipped" : failed ? "failure" : "success",
        message,
      });
    }
  }
  view.failed = view.annotations.filter((x) => x.level === "failure").length;
  view.passed = view.totalCount - view.failed - view.skipped;
  return view;
}
