// Minimal typings for the xmpp.js packages we use (they ship none).
declare module "@xmpp/xml" {
  export type Node = Element | string;
  export class Element {
    constructor(name: string, attrs?: Record<string, string | undefined>);
    name: string;
    attrs: Record<string, string | undefined>;
    children: Node[];
    parent: Element | null;
    is(name: string, xmlns?: string): boolean;
    getName(): string;
    getNS(): string | undefined;
    getAttr(name: string): string | undefined;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getText(): string;
    getChildText(name: string, xmlns?: string): string | null;
    c(name: string, attrs?: Record<string, string | undefined>): Element;
    t(text: string): Element;
    up(): Element;
    root(): Element;
    append(...nodes: Node[]): Element;
    remove(el: Element | string, xmlns?: string): Element;
    attr(name: string, value?: string): string | Element | undefined;
    text(val?: string): string | Element;
    toString(): string;
  }
  export function xml(
    name: string,
    attrs?: Record<string, string | undefined> | null,
    ...children: Array<Node | Node[] | null | undefined | false>
  ): Element;
  export class Parser {
    constructor();
    on(ev: "start" | "element" | "end", cb: (el: Element) => void): void;
    on(ev: "error", cb: (err: Error) => void): void;
    write(data: string): void;
    end(data?: string): void;
  }
  export class XMLError extends Error {}
  export function escapeXML(s: string): string;
  export function escapeXMLText(s: string): string;
  const _default: typeof xml & { Element: typeof Element; Parser: typeof Parser };
  export default _default;
}
declare module "@xmpp/client" {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  export function client(options: Record<string, unknown>): any;
  export { xml } from "@xmpp/xml";
  export function jid(s: string): { local: string; domain: string; resource: string; bare(): { toString(): string }; toString(): string };
}
declare module "@xmpp/component" {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  export function component(options: Record<string, unknown>): any;
  export { xml } from "@xmpp/xml";
}
