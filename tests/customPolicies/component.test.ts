import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { RequestLogEntry, RunningEmulator } from "../../emulator";
import { PolicyKey } from "../../policyKeys/component";
import { QQSecretKey, TokenEncryptionKey, TokenSigningKey, WeChatSecretKey } from "../../policyKeys/presets";
import { TrustFrameworkPolicySet, TrustFrameworkPolicySetArgs } from "../../customPolicies/component";
import { implementationKindOf } from "../../host/plugin/provider";
import { mergeSocialProviders } from "../../policies/mergeSocialProvider";
import type { PolicyProblem } from "../../policies/offlineValidation";
import { qqProviderPolicy, weChatProviderPolicy } from "../../policies/technicalProfiles";
import { useSkippedWaits } from "../helpers/clock";
import { graphFetch, useTestEmulator } from "../helpers/emulator";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import { capture, collectUnhandledRejections, emulatorStackConfig, valueOf } from "../helpers/pulumiHarness";
import { describeCalls, graphCalls, graphWrites } from "../helpers/requestLog";
import { readStarterPack, StarterPackVariant } from "../policies/starterPack";

const IEF_APP_ID = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa";
const PROXY_APP_ID = "bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb";
const TOKEN_KEYS = ["B2C_1A_TokenSigningKeyContainer", "B2C_1A_TokenEncryptionKeyContainer"];
const POLICY_TYPE = "b2c-identity:index:TrustFrameworkPolicy";

let emu: RunningEmulator;
// Waits (back-off, Retry-After, 404 windows) are skipped, not slept; the emulator's windows go by the same clock.
const clock = useSkippedWaits();
useTestEmulator((e) => (emu = e), { windowClock: clock.now });

interface PolicyFile {
  fileName: string;
  xml: string;
}

/** A starter pack with Facebook's sample client id turned into a {Settings:FacebookAppId} token. */
function pack(variant: StarterPackVariant = "SocialAccounts", edit: (f: PolicyFile) => string = (f) => f.xml): PolicyFile[] {
  return readStarterPack(variant).map((f) => {
    const file = { ...f, xml: f.xml.replace("facebook_clientid", "{Settings:FacebookAppId}") };
    return { ...file, xml: edit(file) };
  });
}

function editFile(fileName: string, change: (xml: string) => string): (f: PolicyFile) => string {
  return (f) => (f.fileName === fileName ? change(f.xml) : f.xml);
}

function appSettings(facebookAppId = "fb-app-1", tenant = emu.tenantDomain) {
  return { Environments: [{ Name: "Dev", Tenant: tenant, PolicySettings: { FacebookAppId: facebookAppId } }] };
}

/** 1-based line of the first occurrence of `needle`. */
function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" not found`);
  return text.slice(0, at).split("\n").length;
}

function fileText(files: PolicyFile[], fileName: string): string {
  return files.find((f) => f.fileName === fileName)!.xml;
}

/** "PUT B2C_1A_X" for every policy upload in the log, in order. */
function policyPuts(log: RequestLogEntry[]): string[] {
  return graphWrites(log)
    .filter((e) => e.method === "PUT" && e.path.includes("/trustFramework/policies/") && e.status < 300)
    .map((e) => e.path.split("/")[4]);
}

/**
 * Runs a program whose policy set must fail offline validation: returns the one error a user
 * sees, after checking that it is the only error reported and that no Graph call was made.
 */
async function offlineFailure(args: TrustFrameworkPolicySetArgs, extra: () => void = () => undefined): Promise<Error & { problems: PolicyProblem[] }> {
  const stop = collectUnhandledRejections();
  const engine = new LifecycleEngine(emulatorStackConfig(emu));
  let set!: TrustFrameworkPolicySet;
  emu.clearRequestLog();
  const run = await engine.up(() => {
    extra();
    set = new TrustFrameworkPolicySet("pack", args);
  });
  const error = await (set.policyIds as any).promise().then(
    () => undefined,
    (e: Error) => e,
  );
  const reported = await stop();
  expect(error).toBeInstanceOf(Error);
  expect(reported).toEqual([error]);
  expect(run.steps.filter((s) => s.type === POLICY_TYPE)).toEqual([]);
  expect(describeCalls(graphCalls(emu.requestLog()))).toEqual([]);
  return error;
}

/** The valid SocialAccounts baseline: keys already in the tenant, Facebook's app id from appSettings. */
function baseline(files: PolicyFile[] = pack()): TrustFrameworkPolicySetArgs {
  return { policies: files, appSettings: appSettings(), existingKeySetIds: [...TOKEN_KEYS, "B2C_1A_FacebookSecret"] };
}

describe("offline validation: one error listing every problem as file:line, before any Graph call", () => {
  test("not well-formed", async () => {
    const files = pack("SocialAccounts", editFile("ProfileEdit.xml", (x) => x.replace("<RelyingParty>", "<RelyingParti>")));
    const error = await offlineFailure(baseline(files));
    const line = lineOf(fileText(files, "ProfileEdit.xml"), "</RelyingParty>");
    expect(error.message).toBe(
      `TrustFrameworkPolicySet "pack": 1 problem(s) found before uploading anything:\n` +
        `ProfileEdit.xml:${line}: not well-formed XML: Opening and ending tag mismatch: "RelyingParti" != "RelyingParty"`,
    );
  });

  test("schema (TrustFrameworkPolicy_0.3.0.0.xsd)", async () => {
    const files = pack("SocialAccounts", editFile("ProfileEdit.xml", (x) => x.replace("<DefaultUserJourney ", "<DefaultJourney ")));
    const error = await offlineFailure(baseline(files));
    expect(error.problems.map((p) => [p.kind, p.file, p.line])).toEqual([["schema", "ProfileEdit.xml", lineOf(fileText(files, "ProfileEdit.xml"), "<DefaultJourney")]]);
    expect(error.message).toContain(`ProfileEdit.xml:17: does not match the policy schema: Element 'DefaultJourney': This element is not expected.`);
  });

  test("tenant: a TenantId that is not the stack's tenant", async () => {
    const files = pack("SocialAccounts", editFile("SignUpOrSignin.xml", (x) => x.replace(`TenantId="yourtenant.onmicrosoft.com"`, `TenantId="fabrikamb2c.onmicrosoft.com"`)));
    const error = await offlineFailure(baseline(files));
    expect(error.message.split("\n").slice(1)).toEqual([`SignUpOrSignin.xml:7: TenantId fabrikamb2c.onmicrosoft.com is not the stack's tenant ${emu.tenantDomain}`]);
  });

  test("base policy: neither in the set nor listed as existing", async () => {
    const files = pack("SocialAccounts", editFile("TrustFrameworkExtensions.xml", (x) => x.replace("<PolicyId>B2C_1A_TrustFrameworkLocalization<", "<PolicyId>B2C_1A_TrustFrameworkLocalisation<")));
    const error = await offlineFailure(baseline(files));
    expect(error.message.split("\n").slice(1)).toEqual([
      "TrustFrameworkExtensions.xml:13: BasePolicy B2C_1A_TrustFrameworkLocalisation is neither in this policy set nor in the tenant",
    ]);
  });

  test("policy key: a StorageReferenceId neither created by the program nor existing", async () => {
    const files = pack();
    const error = await offlineFailure({ ...baseline(files), existingKeySetIds: TOKEN_KEYS });
    const line = lineOf(fileText(files, "TrustFrameworkBase.xml"), `StorageReferenceId="B2C_1A_FacebookSecret"`);
    expect(error.message.split("\n").slice(1)).toEqual([
      `TrustFrameworkBase.xml:${line}: StorageReferenceId B2C_1A_FacebookSecret is neither a policy key this stack creates nor one in the tenant`,
    ]);
  });

  test("policy key, with key sets given as Outputs: checked once their ids are known, still before any upload", async () => {
    const files = pack();
    const error = await offlineFailure({ ...baseline(files), existingKeySetIds: TOKEN_KEYS, keySets: [pulumi.output("B2C_1A_FacebookSecretV2")] });
    expect(error.problems.map((p) => `${p.file}:${p.line}:${p.kind}`)).toEqual([
      `TrustFrameworkBase.xml:${lineOf(fileText(files, "TrustFrameworkBase.xml"), "B2C_1A_FacebookSecret")}:policy-key`,
    ]);
  });

  test("placeholder left: a {Settings:…} token without a value", async () => {
    const files = pack();
    const error = await offlineFailure({ ...baseline(files), appSettings: undefined });
    const line = lineOf(fileText(files, "TrustFrameworkExtensions.xml"), "{Settings:FacebookAppId}");
    expect(error.message.split("\n").slice(1)).toEqual([`TrustFrameworkExtensions.xml:${line}: placeholder "{Settings:FacebookAppId}" is still in the policy`]);
  });

  test("duplicate PolicyId", async () => {
    const files = pack();
    files.push({ fileName: "ProfileEdit-copy.xml", xml: fileText(files, "ProfileEdit.xml") });
    const error = await offlineFailure(baseline(files));
    expect(error.message.split("\n").slice(1)).toEqual(["ProfileEdit-copy.xml:8: PolicyId B2C_1A_ProfileEdit is also the PolicyId of ProfileEdit.xml"]);
  });

  test("BasePolicy cycle", async () => {
    const files = pack(
      "SocialAccounts",
      editFile("TrustFrameworkBase.xml", (x) =>
        x.replace(/(<TrustFrameworkPolicy[^>]*>)/, `$1\n  <BasePolicy>\n    <TenantId>yourtenant.onmicrosoft.com</TenantId>\n    <PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>\n  </BasePolicy>`),
      ),
    );
    const error = await offlineFailure(baseline(files));
    expect(error.problems.map((p) => p.kind)).toEqual(["cycle"]);
    expect(error.message).toContain(
      "BasePolicy chain is a cycle: B2C_1A_TrustFrameworkBase -> B2C_1A_TrustFrameworkExtensions -> B2C_1A_TrustFrameworkLocalization -> B2C_1A_TrustFrameworkBase",
    );
  });

  test("several problems in several files come together, in file and line order", async () => {
    const files = pack("SocialAccounts", (f) =>
      f.fileName === "ProfileEdit.xml" ? f.xml.replace("<DefaultUserJourney ", "<DefaultJourney ") : f.fileName === "SignUpOrSignin.xml" ? f.xml.replace(`TenantId="yourtenant.onmicrosoft.com"`, `TenantId="other.onmicrosoft.com"`) : f.xml,
    );
    const error = await offlineFailure({ ...baseline(files), appSettings: undefined, existingKeySetIds: TOKEN_KEYS });
    expect(error.problems.map((p) => `${p.file}:${p.kind}`)).toEqual([
      "ProfileEdit.xml:schema",
      "SignUpOrSignin.xml:tenant",
      "TrustFrameworkBase.xml:policy-key",
      "TrustFrameworkExtensions.xml:placeholder",
    ]);
    expect(error.message.split("\n")).toHaveLength(5);
  });

  test("argument mistakes throw at construction (preview), naming each argument", async () => {
    await capture(() => {
      expect(() => new TrustFrameworkPolicySet("a", { policies: pack(), folder: "policies" })).toThrow(/policies: give exactly one of policies .* and folder/);
      expect(() => new TrustFrameworkPolicySet("b", { policies: pack(), tenantDomain: emu.tenantDomain, appSettings: appSettings("1", "fabrikamb2c.onmicrosoft.com") })).toThrow(
        /environment: appSettings environment "Dev" is for tenant fabrikamb2c.onmicrosoft.com, but this stack's tenant is contosob2c.onmicrosoft.com/,
      );
      expect(() => new TrustFrameworkPolicySet("c", { policies: pack(), tenantDomain: emu.tenantDomain, appSettings: appSettings(), environment: "Prod" })).toThrow(
        /environment: environment "Prod" is not in appsettings.json \(known: Dev\)/,
      );
      expect(() => new TrustFrameworkPolicySet("d", { policies: pack(), tenantDomain: emu.tenantDomain, identityExperienceFrameworkAppId: "not-a-guid" })).toThrow(
        /identityExperienceFrameworkAppId: must be an application \(client\) id GUID/,
      );
      expect(() => new TrustFrameworkPolicySet("e", { folder: path.join(os.tmpdir(), "no-such-policy-folder-b2c") , tenantDomain: emu.tenantDomain })).toThrow(/folder: cannot be read/);
    });
  });
});

describe("versioning: the resource graph the engine orders by", () => {
  test("record below the chain, each relying party on the WHOLE chain, history above them all; release policies retained on delete", async () => {
    const graph: Record<string, { dependsOn: string[]; retainOnDelete: boolean }> = {};
    const names = (d: unknown): string[] => (Array.isArray(d) ? d : d ? [d] : []).map((r: any) => (r as any).__name);
    const { result } = await capture(
      () =>
        new TrustFrameworkPolicySet(
          "pack",
          { ...baseline(), tenantDomain: emu.tenantDomain, versioning: {} },
          {
            transformations: [
              (a) => {
                // The set's custom resources (the types the plugin serves), not the component itself.
                if (implementationKindOf(a.type)) graph[a.name.replace(/_r[0-9a-f]{8}$/, "_rTAG")] = { dependsOn: names(a.opts.dependsOn).map((n) => n.replace(/_r[0-9a-f]{8}$/, "_rTAG")), retainOnDelete: a.opts.retainOnDelete === true };
                return undefined;
              },
            ],
          },
        ),
      { config: { "b2c:tenantId": emu.tenantDomain } },
    );
    const ids = await valueOf((result as TrustFrameworkPolicySet).policyIds);
    expect(ids.map((id) => id.replace(/_r[0-9a-f]{8}$/, "_rTAG"))).toEqual([
      "B2C_1A_TrustFrameworkBase_rTAG",
      "B2C_1A_TrustFrameworkLocalization_rTAG",
      "B2C_1A_TrustFrameworkExtensions_rTAG",
      "B2C_1A_ProfileEdit",
      "B2C_1A_signup_signin",
    ]);
    const chain = ["pack-B2C_1A_TrustFrameworkBase_rTAG", "pack-B2C_1A_TrustFrameworkLocalization_rTAG", "pack-B2C_1A_TrustFrameworkExtensions_rTAG"];
    expect(graph).toEqual({
      "pack-release-record": { dependsOn: [], retainOnDelete: false },
      [chain[0]]: { dependsOn: ["pack-release-record"], retainOnDelete: true },
      [chain[1]]: { dependsOn: [chain[0], "pack-release-record"], retainOnDelete: true },
      [chain[2]]: { dependsOn: [chain[1], "pack-release-record"], retainOnDelete: true },
      "pack-B2C_1A_ProfileEdit": { dependsOn: [chain[2], ...chain], retainOnDelete: false },
      "pack-B2C_1A_signup_signin": { dependsOn: [chain[2], ...chain], retainOnDelete: false },
      "pack-release-history": { dependsOn: [...chain, "pack-B2C_1A_ProfileEdit", "pack-B2C_1A_signup_signin"], retainOnDelete: false },
    });
  });

  test("versioning mistakes throw at construction, naming the argument", async () => {
    await capture(() => {
      expect(() => new TrustFrameworkPolicySet("k", { ...baseline(), tenantDomain: emu.tenantDomain, versioning: { keep: 0 } })).toThrow(/versioning\.keep: must be a whole number of releases, 1 or more/);
      expect(() => new TrustFrameworkPolicySet("v", { ...baseline(), tenantDomain: emu.tenantDomain, versioning: { versionRelyingParties: "yes" as unknown as boolean } })).toThrow(
        /versioning\.versionRelyingParties: must be true or false/,
      );
      const long = pack("SocialAccounts", (f) => f.xml.split("B2C_1A_TrustFrameworkBase").join(`B2C_1A_TrustFrameworkBase${"X".repeat(70)}`));
      expect(() => new TrustFrameworkPolicySet("l", { ...baseline(long), tenantDomain: emu.tenantDomain, versioning: {} })).toThrow(/versioning: B2C_1A_TrustFrameworkBaseX+: its release id .* over the 100/);
    }, { config: { "b2c:tenantId": emu.tenantDomain } });
  });
});

test("each policy resource depends on its base policy's resource and on the set's dependsOn; key sets flow in as inputs", async () => {
  const dependencies: Record<string, string[]> = {};
  const names = (d: unknown): string[] => (Array.isArray(d) ? d : d ? [d] : []).map((r: any) => (pulumi.Resource.isInstance(r) ? (r as any).__name : String(r)));
  const { registrations, result } = await capture(
    () => {
      const other = new pulumi.ComponentResource("test:index:Other", "other");
      return new TrustFrameworkPolicySet(
        "pack",
        { ...baseline(), tenantDomain: emu.tenantDomain, dependsOn: [other], keySets: ["B2C_1A_FacebookSecret"], existingKeySetIds: TOKEN_KEYS },
        {
          transformations: [
            (a) => {
              if (a.type === POLICY_TYPE) dependencies[a.name] = names(a.opts.dependsOn);
              return undefined;
            },
          ],
        },
      );
    },
    { config: { "b2c:tenantId": emu.tenantDomain } },
  );
  // Once policyIds resolves, every policy resource has been registered.
  expect(await valueOf((result as TrustFrameworkPolicySet).policyIds)).toHaveLength(5);
  expect(dependencies).toEqual({
    "pack-B2C_1A_TrustFrameworkBase": ["other"],
    "pack-B2C_1A_TrustFrameworkLocalization": ["other", "pack-B2C_1A_TrustFrameworkBase"],
    "pack-B2C_1A_TrustFrameworkExtensions": ["other", "pack-B2C_1A_TrustFrameworkLocalization"],
    "pack-B2C_1A_ProfileEdit": ["other", "pack-B2C_1A_TrustFrameworkExtensions"],
    "pack-B2C_1A_signup_signin": ["other", "pack-B2C_1A_TrustFrameworkExtensions"],
  });
  const base = registrations.find((r) => r.name === "pack-B2C_1A_TrustFrameworkBase")!;
  expect(base.inputs).toMatchObject({ policyId: "B2C_1A_TrustFrameworkBase", keySetIds: ["B2C_1A_FacebookSecret"] });
  expect(base.inputs).not.toHaveProperty("basePolicyId");
  const extensions = registrations.find((r) => r.name === "pack-B2C_1A_TrustFrameworkExtensions")!;
  expect(extensions.inputs).toMatchObject({ basePolicyId: "B2C_1A_TrustFrameworkLocalization", keySetIds: [] });
  expect(extensions.inputs.dependsOnHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  // The document travels once and as it is, the substituted XML (so `pulumi preview --diff` shows
  // its changed lines), not packed as the dynamic-provider releases kept it.
  expect(extensions.inputs).not.toHaveProperty("xmlPacked");
  expect(extensions.inputs.xml).toContain(`<Item Key="client_id">fb-app-1</Item>`);
});

describe("upload against the emulator", () => {
  let folder: string;
  beforeAll(() => {
    // The SocialAndLocalAccounts pack (it uses the IEF app ids) in a folder, with an appsettings.json beside it.
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "b2c-policies-"));
    for (const f of pack("SocialAndLocalAccounts")) fs.writeFileSync(path.join(folder, f.fileName), f.xml);
  });
  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

  function writeSettings(facebookAppId: string): string {
    const file = path.join(folder, "..", `${path.basename(folder)}-appsettings.json`);
    fs.writeFileSync(file, JSON.stringify(appSettings(facebookAppId)));
    return file;
  }

  test("order, no-op re-run, a parent change re-uploads only its children, drift, destroy", async () => {
    const engine = new LifecycleEngine(emulatorStackConfig(emu));
    let facebookAppId = "fb-app-1";
    const program = () => {
      const signing = new TokenSigningKey("signing");
      const encryption = new TokenEncryptionKey("encryption");
      const facebook = new PolicyKey("facebook", { name: "FacebookSecret", secret: { value: pulumi.secret("fb-secret") } });
      const set = new TrustFrameworkPolicySet("starter", {
        folder,
        appSettings: writeSettings(facebookAppId),
        environment: "dev",
        // Outputs, as they come from IefApplications.
        identityExperienceFrameworkAppId: pulumi.output(IEF_APP_ID),
        proxyIdentityExperienceFrameworkAppId: pulumi.output(PROXY_APP_ID),
        keySets: [signing, encryption, facebook.keySetId],
      });
      return { policyIds: set.policyIds };
    };

    // 1. First up: keys, then Base -> Localization -> Extensions -> relying parties.
    const first = await engine.up(program);
    const order = ["B2C_1A_TrustFrameworkBase", "B2C_1A_TrustFrameworkLocalization", "B2C_1A_TrustFrameworkExtensions", "B2C_1A_PasswordReset", "B2C_1A_ProfileEdit", "B2C_1A_signup_signin"];
    expect(first.outputs.policyIds).toEqual(order);
    const log = emu.requestLog();
    const puts = policyPuts(log);
    expect([...puts].sort()).toEqual([...order].sort());
    expect(puts.slice(0, 3)).toEqual(order.slice(0, 3));
    // In order from the start: no upload met a missing parent (which the provider would retry).
    expect(describeCalls(graphWrites(log).filter((e) => e.path.includes("/policies/") && e.status >= 400))).toEqual([]);
    const writes = graphWrites(log);
    const lastKeyWrite = Math.max(...writes.filter((e) => e.path.includes("/keySets")).map((e) => e.seq));
    const firstPolicyWrite = Math.min(...writes.filter((e) => e.path.includes("/policies/")).map((e) => e.seq));
    expect(lastKeyWrite).toBeLessThan(firstPolicyWrite);
    const uploaded = Object.fromEntries(emu.snapshot().policies.map((p) => [p.id, p.xml]));
    expect(uploaded.B2C_1A_TrustFrameworkExtensions).toContain(`<Item Key="client_id">${PROXY_APP_ID}</Item>`);
    expect(uploaded.B2C_1A_TrustFrameworkExtensions).toContain(`<Item Key="IdTokenAudience">${IEF_APP_ID}</Item>`);
    expect(uploaded.B2C_1A_TrustFrameworkExtensions).toContain(`<Item Key="client_id">fb-app-1</Item>`);
    expect(Object.values(uploaded).join("")).not.toMatch(/yourtenant|1ef00000-0000-4000-8000|\{Settings:/);
    expect(uploaded.B2C_1A_signup_signin).toContain(`TenantId="${emu.tenantDomain}"`);

    // 2. Again, nothing changed: no Graph write at all.
    emu.clearRequestLog();
    const second = await engine.up(program);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
    expect(second.steps.every((s) => s.action === "same")).toBe(true);

    // 3. Extensions changes (its Facebook app id): it and the relying parties are re-uploaded, Base and Localization are not.
    facebookAppId = "fb-app-2";
    emu.clearRequestLog();
    const third = await engine.up(program);
    const updated = third.steps.filter((s) => s.action !== "same").map((s) => `${s.action} ${s.name}`);
    expect(updated.sort()).toEqual(
      ["starter-B2C_1A_TrustFrameworkExtensions", "starter-B2C_1A_PasswordReset", "starter-B2C_1A_ProfileEdit", "starter-B2C_1A_signup_signin"].map((n) => `update ${n}`).sort(),
    );
    const thirdPuts = policyPuts(emu.requestLog());
    expect(thirdPuts[0]).toBe("B2C_1A_TrustFrameworkExtensions");
    expect([...thirdPuts].sort()).toEqual(["B2C_1A_PasswordReset", "B2C_1A_ProfileEdit", "B2C_1A_TrustFrameworkExtensions", "B2C_1A_signup_signin"]);
    expect(graphWrites(emu.requestLog())).toHaveLength(4);

    // 4. Out of band: Extensions edited in the portal, ProfileEdit deleted. Refresh sees both; up repairs just those.
    const edited = emu.snapshot().policies.find((p) => p.id === "B2C_1A_TrustFrameworkExtensions")!.xml.replace("fb-app-2", "edited-in-portal");
    expect((await graphFetch(emu, "PUT", "/beta/trustFramework/policies/B2C_1A_TrustFrameworkExtensions/$value", edited)).status).toBe(200);
    expect((await graphFetch(emu, "DELETE", "/beta/trustFramework/policies/B2C_1A_ProfileEdit")).status).toBe(204);
    // A refresh well after the upload: within 30 s of its own upload, read takes a 404 for eventual consistency and retries.
    for (const res of engine.state.values()) if (res.type === POLICY_TYPE) res.outs.lastUploadAt = Date.now() - 60_000;
    const refreshed = await engine.refresh();
    expect(refreshed.removed).toEqual([`${POLICY_TYPE}::starter-B2C_1A_ProfileEdit`]);
    expect(refreshed.changed).toEqual([`${POLICY_TYPE}::starter-B2C_1A_TrustFrameworkExtensions`]);
    emu.clearRequestLog();
    const fourth = await engine.up(program);
    expect(fourth.steps.filter((s) => s.action !== "same").map((s) => `${s.action} ${s.name}`).sort()).toEqual([
      "create starter-B2C_1A_ProfileEdit",
      "update starter-B2C_1A_TrustFrameworkExtensions",
    ]);
    expect(emu.snapshot().policies.find((p) => p.id === "B2C_1A_TrustFrameworkExtensions")!.xml).toContain("fb-app-2");

    // 5. Destroy: children before parents, nothing left.
    emu.clearRequestLog();
    await engine.destroy();
    const deletes = graphWrites(emu.requestLog())
      .filter((e) => e.path.includes("/policies/"))
      .map((e) => e.path.split("/")[4]);
    expect(deletes.indexOf("B2C_1A_TrustFrameworkBase")).toBe(deletes.length - 1);
    expect(deletes.indexOf("B2C_1A_TrustFrameworkExtensions")).toBeGreaterThan(deletes.indexOf("B2C_1A_signup_signin"));
    expect(emu.snapshot().policies).toEqual([]);
  });

  test("a change in Localization re-uploads Localization, Extensions and the relying parties, never Base", async () => {
    const engine = new LifecycleEngine(emulatorStackConfig(emu));
    let heading = "Sign in";
    const files = () => pack("SocialAccounts", editFile("TrustFrameworkLocalization.xml", (x) => x.replace(`StringId="heading">Sign in<`, `StringId="heading">${heading}<`)));
    const program = () => ({ policyIds: new TrustFrameworkPolicySet("pack", { ...baseline(files()) }).policyIds });
    for (const id of [...TOKEN_KEYS, "B2C_1A_FacebookSecret"]) await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id });
    await engine.up(program);
    heading = "Anmelden";
    emu.clearRequestLog();
    const run = await engine.up(program);
    expect(run.steps.filter((s) => s.action === "update").map((s) => s.name.replace("pack-", "")).sort()).toEqual([
      "B2C_1A_ProfileEdit",
      "B2C_1A_TrustFrameworkExtensions",
      "B2C_1A_TrustFrameworkLocalization",
      "B2C_1A_signup_signin",
    ]);
    expect(policyPuts(emu.requestLog()).slice(0, 2)).toEqual(["B2C_1A_TrustFrameworkLocalization", "B2C_1A_TrustFrameworkExtensions"]);
    expect(policyPuts(emu.requestLog())).not.toContain("B2C_1A_TrustFrameworkBase");
  });
});

describe("WeChat and QQ merged into the extensions", () => {
  function socialPack(): PolicyFile[] {
    const files = pack("SocialAndLocalAccounts");
    const merged = mergeSocialProviders(fileText(files, "TrustFrameworkExtensions.xml"), [weChatProviderPolicy({ appId: "wx0123456789abcdef" }), qqProviderPolicy({ appId: "101234567" })], {
      basePolicies: [fileText(files, "TrustFrameworkLocalization.xml"), fileText(files, "TrustFrameworkBase.xml")],
    });
    return files.map((f) => (f.fileName === "TrustFrameworkExtensions.xml" ? { ...f, xml: merged } : f));
  }

  test("uploads and passes the emulator's validation once B2C_1A_WeChatSecret and B2C_1A_QQSecret exist (keys created in the same program, not visible at once)", async () => {
    // Long enough that the chain's uploads meet keys B2C cannot see yet even on a loaded machine
    // (700 ms was outrun under load: no upload met an invisible key, and the last check failed).
    emu.setFaults({ consistencyWindowMs: 3000 });
    const engine = new LifecycleEngine(emulatorStackConfig(emu));
    const run = await engine.up(() => {
      const wechat = new WeChatSecretKey("wechat", { appKey: pulumi.secret("7db95259fd1508226f403616ada333b5") });
      const qq = new QQSecretKey("qq", { appKey: pulumi.secret("qq-app-key") });
      const keys = [new TokenSigningKey("signing"), new TokenEncryptionKey("encryption"), new PolicyKey("facebook", { name: "FacebookSecret", secret: { value: "fb-padded" } }), wechat, qq];
      const set = new TrustFrameworkPolicySet("social", {
        policies: socialPack(),
        appSettings: appSettings(),
        identityExperienceFrameworkAppId: IEF_APP_ID,
        proxyIdentityExperienceFrameworkAppId: PROXY_APP_ID,
        keySets: keys,
      });
      return { policyIds: set.policyIds };
    });
    expect(run.outputs.policyIds).toHaveLength(6);
    const extensions = emu.snapshot().policies.find((p) => p.id === "B2C_1A_TrustFrameworkExtensions")!.xml;
    expect(extensions).toContain(`<TechnicalProfile Id="WeChat-OAuth2">`);
    expect(extensions).toContain(`<TechnicalProfile Id="QQ-OAuth2">`);
    expect(extensions).toContain(`StorageReferenceId="B2C_1A_WeChatSecret"`);
    expect(extensions).toContain(`StorageReferenceId="B2C_1A_QQSecret"`);
    const log = emu.requestLog();
    const seqOf = (pred: (e: RequestLogEntry) => boolean) => log.filter(pred).map((e) => e.seq);
    const extensionsUpload = Math.max(...seqOf((e) => e.method === "PUT" && e.path.includes("B2C_1A_TrustFrameworkExtensions") && e.status === 201));
    for (const key of ["B2C_1A_WeChatSecret", "B2C_1A_QQSecret"]) {
      expect(Math.max(...seqOf((e) => e.method === "POST" && e.path.includes(`/keySets/${key}/uploadSecret`) && e.status === 200))).toBeLessThan(extensionsUpload);
    }
    // The consistency window made at least one upload meet a key B2C could not see yet: it was retried.
    expect(log.some((e) => e.method === "PUT" && e.path.includes("/trustFramework/policies/") && e.status === 400)).toBe(true);
  });

  test("a key set wrongly listed as existing is not retried: the emulator's answer names it at once", async () => {
    for (const id of [...TOKEN_KEYS, "B2C_1A_FacebookSecret", "B2C_1A_WeChatSecret"]) await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id });
    const engine = new LifecycleEngine(emulatorStackConfig(emu));
    const files = socialPack().filter((f) => f.fileName.startsWith("TrustFramework"));
    const started = clock.now(); // counts skipped waits as waited
    const error = await engine
      .up(() => ({
        policyIds: new TrustFrameworkPolicySet("social", {
          policies: files,
          appSettings: appSettings(),
          identityExperienceFrameworkAppId: IEF_APP_ID,
          proxyIdentityExperienceFrameworkAppId: PROXY_APP_ID,
          existingKeySetIds: [...TOKEN_KEYS, "B2C_1A_FacebookSecret", "B2C_1A_WeChatSecret", "B2C_1A_QQSecret"],
        }).policyIds,
      }))
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(error?.message).toContain(`Could not upload custom policy B2C_1A_TrustFrameworkExtensions`);
    expect(error?.message).toContain(`storageReferenceId "B2C_1A_QQSecret"`);
    expect(clock.now() - started).toBeLessThan(10_000);
    expect(policyPuts(emu.requestLog())).toEqual(["B2C_1A_TrustFrameworkBase", "B2C_1A_TrustFrameworkLocalization"]);
  });
});
