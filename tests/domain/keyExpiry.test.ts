import {
  activeKey,
  activeKeyExpiry,
  expiryWarning,
  rolloverDates,
  rotationDue,
  rotationKeyDates,
  ROLLOVER_PUBLISH_AHEAD_SECONDS,
  validateExpirySettings,
  validUntil,
} from "../../domain/keyExpiry";

const NOW = 1_900_000_000;
const DAY = 86400;

describe("active key and how long the keyset stays valid", () => {
  test("the valid key with the latest nbf is active; an expired newer one is not", () => {
    const keys = [
      { kid: "a", nbf: NOW - 100 * DAY, exp: NOW + 10 * DAY },
      { kid: "b", nbf: NOW - 50 * DAY, exp: NOW + 40 * DAY },
      { kid: "c", nbf: NOW - 10 * DAY, exp: NOW - DAY },
    ];
    expect(activeKey(keys, NOW)?.kid).toBe("b");
    expect(activeKeyExpiry(keys, undefined, NOW)).toEqual({ activeKeyId: "b", activeKeyExpiresOn: new Date((NOW + 40 * DAY) * 1000).toISOString() });
    // Graph's own answer wins when it names a key of the set.
    expect(activeKeyExpiry(keys, "a", NOW).activeKeyId).toBe("a");
  });

  test("a successor that becomes valid before the active key expires extends the validity; a gap does not", () => {
    const covered = [
      { kid: "old", nbf: NOW - 300 * DAY, exp: NOW + 5 * DAY },
      { kid: "next", nbf: NOW + DAY, exp: NOW + 365 * DAY },
    ];
    expect(validUntil(covered, NOW)).toBe(NOW + 365 * DAY);
    const gap = [
      { kid: "old", nbf: NOW - 300 * DAY, exp: NOW + 5 * DAY },
      { kid: "late", nbf: NOW + 6 * DAY, exp: NOW + 365 * DAY },
    ];
    expect(validUntil(gap, NOW)).toBe(NOW + 5 * DAY);
    expect(validUntil([{ kid: "forever" }], NOW)).toBeUndefined();
    expect(validUntil([{ kid: "gone", exp: NOW - 1 }], NOW)).toBeNull();
  });
});

describe("expiryWarning", () => {
  const expiring = [{ kid: "k1", nbf: NOW - 300 * DAY, exp: NOW + 12 * DAY }];

  test("names the keyset, the key and the date within the window (default 30 days)", () => {
    const warning = expiryWarning("B2C_1A_TokenSigningKeyContainer", expiring, { now: NOW });
    expect(warning).toContain("B2C_1A_TokenSigningKeyContainer");
    expect(warning).toContain("k1");
    expect(warning).toContain(new Date((NOW + 12 * DAY) * 1000).toISOString());
    expect(warning).toContain("in 12 days");
  });

  test("quiet outside the window, with a successor, or without expiry; a custom window applies", () => {
    expect(expiryWarning("B2C_1A_X", expiring, { now: NOW, warningDays: 10 })).toBeUndefined();
    expect(expiryWarning("B2C_1A_X", expiring, { now: NOW, warningDays: 12 })).toBeDefined();
    expect(expiryWarning("B2C_1A_X", [...expiring, { kid: "k2", nbf: NOW + DAY, exp: NOW + 400 * DAY }], { now: NOW })).toBeUndefined();
    expect(expiryWarning("B2C_1A_X", [{ kid: "k" }], { now: NOW })).toBeUndefined();
    expect(expiryWarning("B2C_1A_X", [], { now: NOW })).toBeUndefined();
  });

  test("a keyset whose every key has expired says so", () => {
    expect(expiryWarning("B2C_1A_Old", [{ kid: "k", exp: NOW - DAY }], { now: NOW })).toMatch(/B2C_1A_Old has no valid key/);
  });
});

describe("roll-over of generated keys", () => {
  const keys = [{ kid: "k1", nbf: NOW - 350 * DAY, exp: NOW + 15 * DAY }];

  test("due inside the window only, and not again once a successor is in place", () => {
    expect(rotationDue(keys, 30, NOW)).toBe(true);
    expect(rotationDue(keys, 14, NOW)).toBe(false);
    expect(rotationDue(keys, undefined, NOW)).toBe(false);
    const next = rotationKeyDates(keys, NOW);
    expect(rotationDue([...keys, { kid: "k2", ...next }], 30, NOW)).toBe(false);
  });

  test("the new key is published a day ahead, overlaps the old one and lives as long", () => {
    const { nbf, exp } = rotationKeyDates(keys, NOW);
    expect(nbf).toBe(NOW + ROLLOVER_PUBLISH_AHEAD_SECONDS);
    expect(nbf).toBeLessThan(keys[0].exp); // overlap: the old key still serves until the new one is active
    expect(exp - nbf).toBe(365 * DAY);
    // The old key runs out within the day: the new one is active at once.
    expect(rotationKeyDates([{ kid: "k1", nbf: NOW - 300 * DAY, exp: NOW + 3600 }], NOW).nbf).toBe(NOW);
  });

  test("rolloverDates applies only when the window is the one reason", () => {
    expect(rolloverDates(["generate.rotateBeforeExpiryDays"], keys, NOW)).toEqual({ notBefore: NOW + DAY, expiresOn: NOW + DAY + 365 * DAY });
    expect(rolloverDates(["rotationTrigger", "generate.rotateBeforeExpiryDays"], keys, NOW)).toBeUndefined();
    expect(rolloverDates([], keys, NOW)).toBeUndefined();
  });
});

test("validateExpirySettings names the argument and the fix", () => {
  expect(validateExpirySettings({ expiryWarningDays: 0 })).toEqual([{ argument: "expiryWarningDays", reason: expect.stringMatching(/whole number of days between 1 and 3650, got 0/) }]);
  expect(validateExpirySettings({ generate: { rotateBeforeExpiryDays: 2.5 } })[0].argument).toBe("generate.rotateBeforeExpiryDays");
  expect(validateExpirySettings({ secret: { rotateBeforeExpiryDays: 30 } })[0]).toMatchObject({ argument: "secret.rotateBeforeExpiryDays", reason: expect.stringMatching(/only generated keys/) });
  expect(validateExpirySettings({ expiryWarningDays: 45, generate: { rotateBeforeExpiryDays: 30 } })).toEqual([]);
});
