// Issue 20 item 6: mergeSocialProviders copies the journey under a new Id; used alone it used to
// leave the relying parties on the base journey (no button, no failure) without a word.
import { mergeSocialProviders, mergeSocialProvidersIntoPolicySet, pointRelyingPartyAt } from "../../policies/mergeSocialProvider";
import { weChatProviderPolicy } from "../../policies/technicalProfiles";
import { readStarterPack } from "./starterPack";

const pack = () => readStarterPack("SocialAndLocalAccounts");
const file = (name: string) => pack().find((f) => f.fileName === name)!.xml;
const wechat = weChatProviderPolicy({ appId: "wx0123456789abcdef" });
const bases = () => [file("TrustFrameworkBase.xml"), file("TrustFrameworkLocalization.xml")];

test("alone, without relyingParties: one warning naming the copy and how to point the relying parties at it", () => {
  const warnings: string[] = [];
  mergeSocialProviders(file("TrustFrameworkExtensions.xml"), wechat, { basePolicies: bases(), warn: (m) => warnings.push(m) });
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain("SignUpOrSignIn -> SignUpOrSignInWithSocial");
  expect(warnings[0]).toContain("pointRelyingPartyAt");
});

test("with relyingParties: the one still on the base journey is named; one pointed at the copy is not", () => {
  const warnings: string[] = [];
  const rp = file("SignUpOrSignin.xml");
  mergeSocialProviders(file("TrustFrameworkExtensions.xml"), wechat, { basePolicies: bases(), relyingParties: [rp, file("ProfileEdit.xml")], warn: (m) => warnings.push(m) });
  expect(warnings).toEqual([expect.stringContaining("relying party B2C_1A_signup_signin uses UserJourney SignUpOrSignIn, not SignUpOrSignInWithSocial")]);
  warnings.length = 0;
  const pointed = pointRelyingPartyAt(rp, "SignUpOrSignIn", "SignUpOrSignInWithSocial");
  mergeSocialProviders(file("TrustFrameworkExtensions.xml"), wechat, { basePolicies: bases(), relyingParties: [pointed], warn: (m) => warnings.push(m) });
  expect(warnings).toEqual([]);
});

test("mergeSocialProvidersIntoPolicySet points the relying parties itself: no warning", () => {
  const warnings: string[] = [];
  const merged = mergeSocialProvidersIntoPolicySet(pack(), wechat, { warn: (m) => warnings.push(m) });
  expect(warnings).toEqual([]);
  expect(merged.find((f) => f.fileName === "SignUpOrSignin.xml")!.xml).toContain('ReferenceId="SignUpOrSignInWithSocial"');
});

test("mergeSocialProvidersIntoPolicySet with no relying party on the wired journey warns", () => {
  const warnings: string[] = [];
  const withoutSignIn = pack().filter((f) => f.fileName !== "SignUpOrSignin.xml");
  mergeSocialProvidersIntoPolicySet(withoutSignIn, wechat, { warn: (m) => warnings.push(m) });
  expect(warnings).toEqual([expect.stringContaining("no relying party in the policy set uses SignUpOrSignIn")]);
});
