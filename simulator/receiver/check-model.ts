// A loaded receiver check: its rule and typed steps, each with its place in the YAML file.
import type { SourceLocation } from "../results.ts";
import type { Situation } from "./consequences.ts";
import type { GatewayAnswer, GatewayName } from "./gateways/recorder.ts";
import type { SecretMode, VariantName } from "./publish.ts";

export interface GatewayExpectation {
  calls?: number;
  priority?: "high" | "background";
  text?: "none" | "any";
  accepted?: boolean;
}

export type CheckStep = { loc: SourceLocation; note?: string } & (
  | { action: "register"; as: string; gateway?: GatewayName }
  | { action: "disco"; identity: { category: string; type: string }; withinMs: number }
  | {
      action: "publish";
      device: string;
      variant: VariantName;
      body?: string;
      bodyBytes?: number;
      sender?: string;
      secret: SecretMode;
      node: "own" | "unknown";
      expect: "result" | "error" | "answer";
      situation: Situation;
      withinMs: number;
      gateway?: GatewayExpectation;
    }
  | { action: "hostile"; device: string; min: number; withinMs: number }
  | { action: "burst"; device: string; count: number; variant: VariantName; withinMs: number }
  | { action: "gateway"; device: string; answer: GatewayAnswer; times?: number }
  | { action: "wait"; ms: number }
  | { action: "consequences" }
);

export interface ReceiverCheck {
  id: string; // file#name
  file: string;
  name: string;
  rule: string;
  description?: string;
  steps: CheckStep[];
  source: string;
}

export interface CheckLoadError {
  message: string;
  loc: SourceLocation;
}

export type LoadedCheck = { ok: true; check: ReceiverCheck } | { ok: false; file: string; name: string; rule?: string; source: string; errors: CheckLoadError[] };
