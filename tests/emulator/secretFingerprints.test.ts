// The emulator keeps secrets only as salted fingerprints: in its store, its --state-file and the
// in-process snapshot(), as the control API shows them. A bare SHA-256 of a short or common secret
// is reversed by a table lookup; a salted HMAC is not, and differs between starts.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { emulatorSecretFingerprintMatches } from "../../emulator";
import { sha256Hex } from "../../emulator/storeRecords";
import { controlFetch, fingerprintOf, graphFetch, startTestEmulator } from "../helpers/emulator";

const SECRETS = { idp: "qq-app-key-1", key: "short", pfxPassword: "Pa55word!" };
const FINGERPRINT = /^hmac-sha256:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]{43}$/;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-fingerprints-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test("the state file, snapshot() and GET /_emulator/state hold salted fingerprints, never a bare hash", async () => {
  const stateFile = path.join(dir, "state.json");
  const emu = await startTestEmulator({ stateFile });
  try {
    await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", {
      "@odata.type": "microsoft.graph.socialIdentityProvider",
      displayName: "QQ",
      identityProviderType: "QQ",
      clientId: "101000001",
      clientSecret: SECRETS.idp,
    });
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "Short" });
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_Short/uploadSecret", { use: "sig", k: SECRETS.key });

    const file = fs.readFileSync(stateFile, "utf8");
    const snapshot = emu.snapshot();
    const control = await (await controlFetch(emu, "GET", "/state")).text();
    for (const [where, text] of [["state file", file], ["snapshot()", JSON.stringify(snapshot)], ["control API", control]]) {
      for (const secret of Object.values(SECRETS)) {
        expect(`${where}: ${text.includes(secret)}`).toBe(`${where}: false`);
        expect(`${where}: ${text.includes(sha256Hex(secret))}`).toBe(`${where}: false`);
      }
      expect(text).not.toMatch(/Sha256|"[0-9a-f]{64}"/);
    }
    const saved = JSON.parse(file);
    expect(saved.version).toBe(2);
    expect(saved.identityProviders[0].clientSecretFingerprint).toMatch(FINGERPRINT);
    expect(emulatorSecretFingerprintMatches(SECRETS.idp, saved.identityProviders[0].clientSecretFingerprint)).toBe(true);
    expect(emulatorSecretFingerprintMatches(SECRETS.key, saved.keySets[0].keys[0].secretFingerprint)).toBe(true);
    expect(emulatorSecretFingerprintMatches("Short", saved.keySets[0].keys[0].secretFingerprint)).toBe(false);
    expect(snapshot.identityProviders[0]).toEqual(expect.objectContaining({ clientSecretFingerprint: fingerprintOf(SECRETS.idp) }));
    expect(snapshot.keySets[0].keys[0].secretFingerprint).toEqual(fingerprintOf(SECRETS.key));
    // The control API shows the same fingerprints as the snapshot.
    expect(JSON.parse(control).keySets[0].keys[0].secretFingerprint).toBe(snapshot.keySets[0].keys[0].secretFingerprint);
  } finally {
    await emu.stop();
  }
});

test("the same secret has another fingerprint in another emulator (the salt is per start)", async () => {
  const fingerprints: string[] = [];
  for (let i = 0; i < 2; i++) {
    const emu = await startTestEmulator();
    try {
      await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "S" });
      await graphFetch(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_S/uploadSecret", { use: "sig", k: SECRETS.key });
      fingerprints.push(emu.snapshot().keySets[0].keys[0].secretFingerprint!);
    } finally {
      await emu.stop();
    }
  }
  expect(fingerprints[0]).not.toBe(fingerprints[1]);
  expect(fingerprints.every((f) => emulatorSecretFingerprintMatches(SECRETS.key, f))).toBe(true);
});

test("a state file of the first format (bare SHA-256 hashes) is read, and written back with fingerprints only", async () => {
  const stateFile = path.join(dir, "v1.json");
  const now = Date.now();
  fs.writeFileSync(
    stateFile,
    JSON.stringify({
      format: "pulumi-b2c-identity-emulator-state",
      version: 1,
      identityProviders: [{ id: "QQ-OAUTH", displayName: "QQ", identityProviderType: "QQ", clientId: "101", clientSecretSha256: sha256Hex(SECRETS.idp), createdAt: now }],
      keySets: [{ id: "B2C_1A_S", keys: [{ kid: "k1", kty: "OCT", use: "sig", status: "enabled", secretSha256: sha256Hex(SECRETS.key), addedAt: now }], createdAt: now }],
    }),
  );
  const emu = await startTestEmulator({ stateFile });
  try {
    expect(emu.snapshot().identityProviders[0].clientSecretFingerprint).toEqual(fingerprintOf(SECRETS.idp));
    expect(emu.snapshot().keySets[0].keys[0].secretFingerprint).toEqual(fingerprintOf(SECRETS.key));
    emu.reset();
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "T" });
    expect(fs.readFileSync(stateFile, "utf8")).not.toMatch(/Sha256/);
  } finally {
    await emu.stop();
  }
});
