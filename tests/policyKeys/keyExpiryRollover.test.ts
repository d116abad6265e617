import type { RunningEmulator } from "../../emulator";
import { PolicyKey } from "../../policyKeys/component";
import { controlFetch, graphFetch, useTestEmulator } from "../helpers/emulator";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import { emulatorStackConfig } from "../helpers/pulumiHarness";
import { describeCalls, graphWrites } from "../helpers/requestLog";

// A generated token signing key made a year ago runs out in 15 days. With rotateBeforeExpiryDays
// the next `up` adds a key to the same keyset, and the emulator's clock, set forward, shows B2C's
// view over the following days: the old key keeps signing until the new one is published, then the
// new one takes over before the old one expires.

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));

const DAY_MS = 86400_000;

function captureWarnings(): { warnings: string[]; restore: () => void } {
  const warnings: string[] = [];
  const spy = jest.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void warnings.push(args.join(" ")));
  return { warnings, restore: () => spy.mockRestore() };
}

async function activeKid(): Promise<string> {
  const r = await graphFetch(emu, "GET", "/beta/trustFramework/keySets/B2C_1A_TokenSigningKeyContainer/getActiveKey");
  expect(r.status).toBe(200);
  // The documented answer has no kid: the key is the one with its dates.
  const keys = emu.snapshot().keySets.find((k) => k.id === "B2C_1A_TokenSigningKeyContainer")!.keys;
  return keys.find((k) => k.nbf === r.body.nbf && k.exp === r.body.exp)!.kid;
}

test("an up inside the window adds a new generated key to the same keyset, with overlap; warnings name the keyset and date", async () => {
  const now = Date.now();
  const createdAt = new Date(now - 350 * DAY_MS);
  const expiresOn = new Date(now + 15 * DAY_MS);
  const engine = new LifecycleEngine(emulatorStackConfig(emu));
  const program = (rotate?: number) => () => {
    const key = new PolicyKey("signing", {
      name: "TokenSigningKeyContainer",
      generate: { keyType: "RSA", use: "sig", notBefore: createdAt, expiresOn, ...(rotate ? { rotateBeforeExpiryDays: rotate } : {}) },
    });
    return { kid: key.activeKeyId, exp: key.activeKeyExpiresOn };
  };

  // A year ago: the key is made (the emulator's clock set back, so B2C sees a fresh key).
  emu.setClock(createdAt);
  let capture = captureWarnings();
  const first = await engine.up(program());
  capture.restore();
  emu.setClock(null);
  expect(first.outputs.exp).toBe(new Date(Math.floor(expiresOn.getTime() / 1000) * 1000).toISOString());
  const oldKid = first.outputs.kid as string;
  // Seen from today it runs out in 15 days: the warning names the keyset and the date.
  expect(capture.warnings.join("\n")).toContain("B2C_1A_TokenSigningKeyContainer");
  expect(capture.warnings.join("\n")).toContain(new Date(Math.floor(expiresOn.getTime() / 1000) * 1000).toISOString());

  // Today, with rotateBeforeExpiryDays: 30: one generateKey, an update (no replacement).
  emu.clearRequestLog();
  capture = captureWarnings();
  const second = await engine.up(program(30));
  capture.restore();
  expect(second.steps.map((s) => s.action)).toEqual(["update"]);
  expect(describeCalls(graphWrites(emu.requestLog())).map((c) => c.replace(/ -> \d+$/, ""))).toEqual([
    "POST /beta/trustFramework/keySets/B2C_1A_TokenSigningKeyContainer/generateKey",
  ]);
  expect(capture.warnings.filter((w) => w.includes("B2C_1A_TokenSigningKeyContainer"))).toEqual([]); // a successor takes over in time
  const keys = emu.snapshot().keySets.find((k) => k.id === "B2C_1A_TokenSigningKeyContainer")!.keys;
  expect(keys).toHaveLength(2);
  const [oldKey, newKey] = keys;
  expect(oldKey.kid).toBe(oldKid);
  expect(newKey.nbf! - Math.floor(now / 1000)).toBeGreaterThanOrEqual(86400); // published a day ahead
  expect(newKey.nbf!).toBeLessThan(oldKey.exp!); // overlap
  expect(newKey.exp! - newKey.nbf!).toBe(oldKey.exp! - oldKey.nbf!); // as long-lived as the old one

  // Once more: nothing to do.
  emu.clearRequestLog();
  const third = await engine.up(program(30));
  expect(third.steps.map((s) => s.action)).toEqual(["same"]);
  expect(graphWrites(emu.requestLog())).toEqual([]);

  // B2C's view over the next days (the emulator's clock): the old key until the new one's nbf,
  // then the new one, also after the old one has expired. There is always an active key.
  expect(await activeKid()).toBe(oldKid);
  emu.setClock(now + 2 * DAY_MS);
  expect(await activeKid()).toBe(newKey.kid);
  emu.setClock(now + 16 * DAY_MS);
  expect(await activeKid()).toBe(newKey.kid);
  emu.setClock(null);
});

test("expiryWarningDays sets the window; a secret without expiry never warns", async () => {
  const engine = new LifecycleEngine({ ...emulatorStackConfig(emu), "b2c:k": "secret-value-123456" });
  const expiresOn = new Date(Date.now() + 10 * DAY_MS).toISOString();
  const capture = captureWarnings();
  await engine.up(() => {
    new PolicyKey("narrow", { name: "Narrow", secret: { value: "secret-value-123456", expiresOn }, expiryWarningDays: 5 });
    new PolicyKey("wide", { name: "Wide", secret: { value: "secret-value-123456", expiresOn }, expiryWarningDays: 20 });
    new PolicyKey("never", { name: "Never", secret: { value: "secret-value-123456" } });
    return {};
  });
  capture.restore();
  const named = (id: string) => capture.warnings.filter((w) => w.includes(id));
  expect(named("B2C_1A_Narrow")).toEqual([]);
  expect(named("B2C_1A_Wide")).toHaveLength(1);
  expect(named("B2C_1A_Never")).toEqual([]);
});

test("rotateBeforeExpiryDays on a secret, or a bad number of days, stops before any Graph call", async () => {
  expect(() => new PolicyKey("bad", { name: "Bad", generate: { keyType: "RSA", use: "sig", rotateBeforeExpiryDays: 0 } })).toThrow(
    /generate\.rotateBeforeExpiryDays: must be a whole number of days/,
  );
  expect(() => new PolicyKey("bad2", { name: "Bad2", secret: { value: "x-secret-123", rotateBeforeExpiryDays: 30 } as any })).toThrow(/secret\.rotateBeforeExpiryDays: only generated keys/);
  expect(() => new PolicyKey("bad3", { name: "Bad3", generate: { keyType: "RSA", use: "sig" }, expiryWarningDays: -1 })).toThrow(/expiryWarningDays/);
});

test("the emulator's clock: set over the control API, refused when not a date, back to real time on reset", async () => {
  const bad = await controlFetch(emu, "PUT", "/clock", { now: "next tuesday" });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as any).error.message).toMatch(/'next tuesday' is not a date/);
  const later = "2031-06-01T00:00:00.000Z";
  const set = await controlFetch(emu, "PUT", "/clock", { now: later });
  expect(set.status).toBe(200);
  const clock = (await set.json()) as { now: string; offsetMs: number };
  expect(Date.parse(clock.now) - Date.parse(later)).toBeLessThan(5_000);
  // The tenant's keys go by it: a key expiring before then is refused as "in the past".
  await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "B2C_1A_Clock" });
  const past = await graphFetch(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_Clock/uploadSecret", { use: "sig", k: "clock-secret-1", exp: Math.floor(Date.parse("2031-01-01") / 1000) });
  expect(past.body.error.code).toBe("AADB2C90214");
  emu.reset();
  expect(Math.abs(emu.getClock().offsetMs)).toBe(0);
});

test("under roll-over, a key asked for with rotationTrigger after the declared expiresOn has passed is dated from now (not by the past date)", async () => {
  const engine = new LifecycleEngine(emulatorStackConfig(emu));
  const expiresOn = new Date(Date.now() + 3000).toISOString();
  const program = (trigger: string) => () => {
    const key = new PolicyKey("rolled", {
      name: "Rolled",
      generate: { keyType: "RSA", use: "sig", notBefore: new Date(Date.now() - 365 * DAY_MS).toISOString(), expiresOn, rotateBeforeExpiryDays: 30 },
      rotationTrigger: trigger,
    });
    return { kid: key.activeKeyId };
  };
  emu.setClock(new Date(Date.now() - 3600_000)); // B2C accepts the first key even if this run is slow
  await engine.up(program("1"));
  emu.setClock(null);
  const wait = Date.parse(expiresOn) + 1000 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  emu.clearRequestLog();
  const second = await engine.up(program("2"));
  expect(describeCalls(graphWrites(emu.requestLog())).map((c) => c.replace(/ -> \d+$/, ""))).toEqual(["POST /beta/trustFramework/keySets/B2C_1A_Rolled/generateKey"]);
  const keys = emu.snapshot().keySets.find((k) => k.id === "B2C_1A_Rolled")!.keys;
  const added = keys[keys.length - 1];
  expect(added.nbf! * 1000).toBeLessThanOrEqual(Date.now());
  expect(added.exp! * 1000).toBeGreaterThan(Date.now() + 30 * DAY_MS);
  expect(second.outputs.kid).toBe(added.kid);
});
