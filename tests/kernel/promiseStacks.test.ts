// A resource of ours registers without the Node SDK formatting a stack trace for each promise of each
// property (kernel/resource.ts KEEP_PROMISE_STACKS): the SDK's debuggablePromise runs with no frames
// to capture inside our constructor, the limit is what it was afterwards (also when registration
// throws), and with PULUMI_DEBUG_PROMISE_LEAKS set the SDK's stacks are kept as they are.
import { capture } from "../helpers/pulumiHarness";

/** The SDK's internal module (not in its typings): every promise of a registered property goes through it. */
type Debuggable = { debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T> };

/** Error.stackTraceLimit at each debuggablePromise call made while `program` constructs. */
async function limitsSeen(program: (pulumi: typeof import("@pulumi/pulumi"), resource: typeof import("../../kernel/resource")) => void): Promise<number[]> {
  const debuggable: Debuggable = require("@pulumi/pulumi/runtime/debuggable");
  const seen: number[] = [];
  const original = debuggable.debuggablePromise;
  const spy = jest.spyOn(debuggable, "debuggablePromise").mockImplementation((p: Promise<unknown>, ctx: unknown) => {
    if (String(ctx).startsWith("transferProperty(")) seen.push(Error.stackTraceLimit);
    return original(p, ctx);
  });
  try {
    const pulumi = require("@pulumi/pulumi");
    const resource = require("../../kernel/resource");
    await capture(() => program(pulumi, resource));
    return seen;
  } finally {
    spy.mockRestore();
  }
}

const declare = (resource: typeof import("../../kernel/resource")) =>
  resource.defineResource<{ name: string }, { userFlowId: string }>()({ provider: "userFlow", type: "UserFlow", outputs: ["userFlowId"] });

afterEach(() => {
  delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  jest.resetModules();
});

test("our resources register with no stack frames to format; the limit is restored after", async () => {
  const before = Error.stackTraceLimit;
  const seen = await limitsSeen((_pulumi, resource) => void new (declare(resource))("flow", { name: "susi" }));
  expect(seen.length).toBeGreaterThan(0);
  expect(new Set(seen)).toEqual(new Set([0]));
  expect(Error.stackTraceLimit).toBe(before);
});

test("other resources keep the SDK's stacks", async () => {
  const before = Error.stackTraceLimit;
  const seen = await limitsSeen((pulumi) => void new (class Thing extends pulumi.CustomResource {})("other:index:Thing", "thing", { value: "x" }));
  expect(seen.length).toBeGreaterThan(0);
  expect(new Set(seen)).toEqual(new Set([before]));
});

test("the limit is restored when registration throws", async () => {
  const before = Error.stackTraceLimit;
  await limitsSeen((_pulumi, resource) => {
    const Flow = declare(resource);
    // No name: the SDK's Resource constructor refuses it, inside the window.
    expect(() => new Flow("", { name: "a" })).toThrow(/Missing resource name/);
  });
  expect(Error.stackTraceLimit).toBe(before);
});

test("PULUMI_DEBUG_PROMISE_LEAKS keeps the SDK's stacks for its leak report", async () => {
  process.env.PULUMI_DEBUG_PROMISE_LEAKS = "true";
  const before = Error.stackTraceLimit;
  const seen = await limitsSeen((_pulumi, resource) => void new (declare(resource))("flow", { name: "susi" }));
  expect(seen.length).toBeGreaterThan(0);
  expect(new Set(seen)).toEqual(new Set([before]));
});
