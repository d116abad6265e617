import { DOMParser } from "@xmldom/xmldom";
import type { Element } from "@xmldom/xmldom";
import {
  renderQQClaimsProvider,
  renderQQOrchestrationSteps,
  renderWeChatClaimsProvider,
  renderWeChatOrchestrationSteps,
  qqProviderPolicy,
  socialProviderPolicy,
  weChatProviderPolicy,
} from "../../policies/technicalProfiles";

const NS = "http://schemas.microsoft.com/online/cpim/schemas/2013/06";

function parseFragment(xml: string): Element {
  const doc = new DOMParser().parseFromString(`<Root xmlns="${NS}">${xml}</Root>`, "text/xml");
  return doc.documentElement!.getElementsByTagName("ClaimsProvider")[0];
}

function metadataOf(claimsProvider: Element): Array<[string, string]> {
  return Array.from(claimsProvider.getElementsByTagName("Item")).map((item) => [item.getAttribute("Key")!, item.textContent!]);
}

function attrs(claimsProvider: Element, tag: string, attribute: string): string[] {
  return Array.from(claimsProvider.getElementsByTagName(tag)).map((e) => e.getAttribute(attribute)!);
}

describe("WeChat ClaimsProvider", () => {
  const cp = parseFragment(renderWeChatClaimsProvider({ appId: "wx0123456789abcdef" }));

  it("has the how-to's domain, display names, technical profile id and protocol", () => {
    expect(cp.getElementsByTagName("Domain")[0].textContent).toBe("wechat.com");
    expect(cp.getElementsByTagName("DisplayName")[0].textContent).toBe("WeChat (Preview)");
    const tp = cp.getElementsByTagName("TechnicalProfile")[0];
    expect(tp.getAttribute("Id")).toBe("WeChat-OAuth2");
    expect(tp.getElementsByTagName("DisplayName")[0].textContent).toBe("WeChat");
    expect(attrs(cp, "Protocol", "Name")).toEqual(["OAuth2"]);
  });

  it("has exactly the how-to's metadata, with client_id = the app id", () => {
    expect(metadataOf(cp)).toEqual([
      ["ProviderName", "wechat"],
      ["authorization_endpoint", "https://open.weixin.qq.com/connect/qrconnect"],
      ["AccessTokenEndpoint", "https://api.weixin.qq.com/sns/oauth2/access_token"],
      ["ClaimsEndpoint", "https://api.weixin.qq.com/sns/userinfo"],
      ["scope", "snsapi_login"],
      ["HttpBinding", "GET"],
      ["AccessTokenResponseFormat", "json"],
      ["ClientIdParamName", "appid"],
      ["ClientSecretParamName", "secret"],
      ["ExtraParamsInAccessTokenEndpointResponse", "openid"],
      ["ExtraParamsInClaimsEndpointRequest", "openid"],
      ["ResponseErrorCodeParamName", "errcode"],
      ["external_user_identity_claim_id", "unionid"],
      ["client_id", "wx0123456789abcdef"],
    ]);
  });

  it("reads client_secret from B2C_1A_WeChatSecret by default and from the given keyset otherwise", () => {
    expect(attrs(cp, "Key", "Id")).toEqual(["client_secret"]);
    expect(attrs(cp, "Key", "StorageReferenceId")).toEqual(["B2C_1A_WeChatSecret"]);
    const custom = parseFragment(renderWeChatClaimsProvider({ appId: "wx1", keySetId: "B2C_1A_WeChatProdSecret" }));
    expect(attrs(custom, "Key", "StorageReferenceId")).toEqual(["B2C_1A_WeChatProdSecret"]);
  });

  it("maps unionid to issuerUserId (not the how-to's undeclared UserId) and sets the IdP claims", () => {
    const claims = Array.from(cp.getElementsByTagName("OutputClaim")).map((c) => ({
      id: c.getAttribute("ClaimTypeReferenceId"),
      partner: c.getAttribute("PartnerClaimType") || undefined,
      default: c.getAttribute("DefaultValue") || undefined,
      always: c.getAttribute("AlwaysUseDefaultValue") || undefined,
    }));
    expect(claims).toEqual([
      { id: "issuerUserId", partner: "unionid", default: undefined, always: undefined },
      { id: "identityProvider", partner: undefined, default: "wechat.com", always: "true" },
      { id: "authenticationSource", partner: undefined, default: "socialIdpAuthentication", always: "true" },
    ]);
  });

  it("lists the four output claims transformations and SM-SocialLogin", () => {
    expect(attrs(cp, "OutputClaimsTransformation", "ReferenceId")).toEqual([
      "CreateRandomUPNUserName",
      "CreateUserPrincipalName",
      "CreateAlternativeSecurityId",
      "CreateSubjectClaimFromAlternativeSecurityId",
    ]);
    expect(attrs(cp, "UseTechnicalProfileForSessionManagement", "ReferenceId")).toEqual(["SM-SocialLogin"]);
  });

  it("renders the orchestration-step fragments", () => {
    expect(renderWeChatOrchestrationSteps()).toEqual({
      claimsProviderSelection: '<ClaimsProviderSelection TargetClaimsExchangeId="WeChatExchange" />',
      claimsExchange: '<ClaimsExchange Id="WeChatExchange" TechnicalProfileReferenceId="WeChat-OAuth2" />',
    });
  });
});

describe("QQ ClaimsProvider", () => {
  const cp = parseFragment(renderQQClaimsProvider({ appId: "101234567" }));

  it("has the how-to's domain, display names and technical profile id", () => {
    expect(cp.getElementsByTagName("Domain")[0].textContent).toBe("qq.com");
    expect(cp.getElementsByTagName("DisplayName")[0].textContent).toBe("QQ (Preview)");
    expect(cp.getElementsByTagName("TechnicalProfile")[0].getAttribute("Id")).toBe("QQ-OAuth2");
  });

  it("has exactly the how-to's metadata, with client_id = the app id", () => {
    expect(metadataOf(cp)).toEqual([
      ["ProviderName", "qq"],
      ["authorization_endpoint", "https://graph.qq.com/oauth2.0/authorize"],
      ["AccessTokenEndpoint", "https://graph.qq.com/oauth2.0/token"],
      ["ClaimsEndpoint", "https://graph.qq.com/oauth2.0/me"],
      ["scope", "get_user_info"],
      ["HttpBinding", "GET"],
      ["ClaimsResponseFormat", "JsonP"],
      ["ResponseErrorCodeParamName", "error"],
      ["external_user_identity_claim_id", "openid"],
      ["client_id", "101234567"],
    ]);
  });

  it("uses B2C_1A_QQSecret by default, maps openid to issuerUserId and has the same transformations", () => {
    expect(attrs(cp, "Key", "StorageReferenceId")).toEqual(["B2C_1A_QQSecret"]);
    expect(attrs(cp, "OutputClaim", "ClaimTypeReferenceId")).toEqual(["issuerUserId", "identityProvider", "authenticationSource"]);
    expect(attrs(cp, "OutputClaim", "PartnerClaimType")[0]).toBe("openid");
    expect(attrs(cp, "OutputClaim", "DefaultValue").slice(1)).toEqual(["qq.com", "socialIdpAuthentication"]);
    expect(attrs(cp, "OutputClaimsTransformation", "ReferenceId")).toHaveLength(4);
    expect(attrs(cp, "UseTechnicalProfileForSessionManagement", "ReferenceId")).toEqual(["SM-SocialLogin"]);
  });

  it("renders the orchestration-step fragments", () => {
    expect(renderQQOrchestrationSteps()).toEqual({
      claimsProviderSelection: '<ClaimsProviderSelection TargetClaimsExchangeId="QQExchange" />',
      claimsExchange: '<ClaimsExchange Id="QQExchange" TechnicalProfileReferenceId="QQ-OAuth2" />',
    });
  });
});

describe("provider policy bundles and argument checks", () => {
  it("bundles ids, keyset and fragments", () => {
    const wechat = weChatProviderPolicy({ appId: "wx1", keySetId: "B2C_1A_Other" });
    expect(wechat).toMatchObject({
      provider: "WeChat",
      technicalProfileId: "WeChat-OAuth2",
      claimsExchangeId: "WeChatExchange",
      keySetId: "B2C_1A_Other",
    });
    expect(wechat.claimsProviderXml).toContain('StorageReferenceId="B2C_1A_Other"');
    expect(socialProviderPolicy("QQ", { appId: "1" })).toEqual(qqProviderPolicy({ appId: "1" }));
  });

  it("escapes XML in the app id", () => {
    const cp = parseFragment(renderWeChatClaimsProvider({ appId: "a<b&c" }));
    expect(metadataOf(cp).find(([k]) => k === "client_id")).toEqual(["client_id", "a<b&c"]);
  });

  it("rejects a missing app id and a keyset id without the B2C_1A_ prefix", () => {
    expect(() => renderWeChatClaimsProvider({ appId: " " })).toThrow("WeChat: appId (the provider's APP ID) is required");
    expect(() => renderQQClaimsProvider({ appId: "1", keySetId: "QQSecret" })).toThrow(
      'QQ: keySetId "QQSecret" is not a policy key id; expected B2C_1A_ followed by letters, digits',
    );
  });
});
