// The error family (kernel/errors.ts): one class per kind, told apart with `instanceof` or
// `errorKind`, never by wording. Each kind is raised here by the code that raises it for users: the
// user flow provider against the emulator (exists, not ours), the Graph client (graph), the settings
// (config), an argument check (input).
import * as pulumi from "@pulumi/pulumi";
import type { RunningEmulator } from "../../emulator";
import { errorKind, ExistsError, GraphConfigError, GraphRequestError, InputError, NotOursError, throwIfProblems } from "../../kernel/errors";
import { PolicyKeyError } from "../../policyKeys/operations";
import { UserFlowResource } from "../../userFlows/provider";
import { GraphApi } from "../../graph/client";
import { resolveGraphSettings } from "../../graph/settings";
import { graphFetch, useTestEmulator } from "../helpers/emulator";
import { capture, emulatorStackConfig, loadProvider } from "../helpers/pulumiHarness";

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));

const CLASSES = [InputError, ExistsError, NotOursError, GraphRequestError, GraphConfigError] as const;

/** The class (of the five) the error is an instance of, and its kind. */
function classify(error: unknown): { classes: string[]; kind: string | undefined } {
  return { classes: CLASSES.filter((c) => error instanceof c).map((c) => c.name), kind: errorKind(error) };
}

async function userFlowProvider() {
  const { registrations } = await capture(() => new UserFlowResource("susi", { name: "susi", userFlowType: "signUpOrSignIn", adoptExisting: false }));
  return { inputs: registrations[0].inputs, provider: await loadProvider(registrations[0].type, emulatorStackConfig(emu)) };
}

test("input: an InputError lists every problem, is a Pulumi RunError (printed without a stack) and keeps one line as its stack", () => {
  let error: unknown;
  try {
    throwIfProblems('B2CUserFlow "susi"', [
      { argument: "name", reason: "must not be blank" },
      { argument: "userFlowType", reason: "must be one of signUpOrSignIn, signIn" },
    ]);
  } catch (e) {
    error = e;
  }
  expect(classify(error)).toEqual({ classes: ["InputError"], kind: "input" });
  expect(pulumi.RunError.isInstance(error)).toBe(true);
  const e = error as InputError;
  expect(e.message).toBe('Invalid arguments for B2CUserFlow "susi": name: must not be blank; userFlowType: must be one of signUpOrSignIn, signIn');
  expect(e.name).toBe("InputError");
  expect(e.stack).toBe(`InputError: ${e.message}`);
  expect(e.problems.map((p) => p.argument)).toEqual(["name", "userFlowType"]);
});

test("exists: a flow made by hand is refused at create with an ExistsError, in the ownership rule's words", async () => {
  expect((await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", { id: "susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3 })).status).toBe(201);
  const { inputs, provider } = await userFlowProvider();
  const error = await provider.create(inputs).catch((e: unknown) => e);
  expect(classify(error)).toEqual({ classes: ["ExistsError"], kind: "exists" });
  expect((error as Error).message).toMatch(/The user flow B2C_1_susi already exists in tenant .*adoptExisting: true/);
});

test("not ours: replacing an adopted flow is refused with a NotOursError", async () => {
  const { inputs, provider } = await userFlowProvider();
  const olds = { ...inputs, userFlowId: "B2C_1_susi", adopted: true };
  const error = await provider.diff!("B2C_1_susi", olds, { ...inputs, userFlowType: "signIn" }).catch((e: unknown) => e);
  expect(classify(error)).toEqual({ classes: ["NotOursError"], kind: "notOurs" });
  expect((error as Error).message).toMatch(/was adopted .*An adopted object is never replaced/);
});

test("graph: a failed Graph call is a GraphRequestError; a provider's explanation of one is of kind graph too", async () => {
  const config = emulatorStackConfig(emu);
  const graph = new GraphApi(resolveGraphSettings({ get: (key) => config[key] }, {}));
  const error = await graph.request({ method: "GET", version: "beta", path: "/identity/b2cUserFlows/B2C_1_nope", description: "read user flow B2C_1_nope" }).catch((e: unknown) => e);
  expect(classify(error)).toEqual({ classes: ["GraphRequestError"], kind: "graph" });
  const explained = new PolicyKeyError("Could not add the key to policy key container B2C_1A_X: …", error);
  expect(classify(explained)).toEqual({ classes: [], kind: "graph" });
  expect(explained.cause).toBe(error);
});

test("config: missing tenant settings are a GraphConfigError naming the key", () => {
  let error: unknown;
  try {
    resolveGraphSettings(undefined, {});
  } catch (e) {
    error = e;
  }
  expect(classify(error)).toEqual({ classes: ["GraphConfigError"], kind: "config" });
  expect((error as Error).message).toMatch(/b2c:tenantId/);
});

test("errors outside the family have no kind, whatever fields they carry", () => {
  expect(errorKind(new Error("x"))).toBeUndefined();
  expect(errorKind(Object.assign(new Error("x"), { kind: "cycle" }))).toBeUndefined();
  expect(errorKind({ kind: "input", message: "not an Error" })).toBeUndefined();
  // Another copy of the package (a consumer's install may hold two): recognised by its kind.
  expect(errorKind(Object.assign(new Error("x"), { kind: "exists" }))).toBe("exists");
});
