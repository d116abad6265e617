// Checklist 33: $top and server paging with absolute @odata.nextLink carrying an opaque $skiptoken.
import type { RunningEmulator } from "../../emulator";
import { getToken, graphFetch, startTestEmulator } from "../helpers/emulator";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
  for (const name of ["A", "B", "C", "D", "E"]) await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: name });
});
afterAll(() => emu.stop());
afterEach(() => emu.setBehaviour({ pageSize: 0 }));

async function followAll(firstUrl: string): Promise<{ ids: string[]; pages: number; links: string[] }> {
  const token = await getToken(emu);
  const ids: string[] = [];
  const links: string[] = [];
  let url: string | undefined = firstUrl;
  let pages = 0;
  while (url) {
    const response: Response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const body: any = await response.json();
    ids.push(...body.value.map((v: any) => v.id));
    pages++;
    url = body["@odata.nextLink"];
    if (url) links.push(url);
  }
  return { ids, pages, links };
}

test("no paging by default: one page, no nextLink", async () => {
  const res = await graphFetch(emu, "GET", "/beta/trustFramework/keySets");
  expect(res.body.value).toHaveLength(5);
  expect(res.body["@odata.nextLink"]).toBeUndefined();
});

test("a configured page size pages every list with absolute, opaque nextLinks until the end", async () => {
  emu.setBehaviour({ pageSize: 2 });
  const { ids, pages, links } = await followAll(`${emu.url}/beta/trustFramework/keySets`);
  expect(ids).toEqual(["B2C_1A_A", "B2C_1A_B", "B2C_1A_C", "B2C_1A_D", "B2C_1A_E"]);
  expect(pages).toBe(3);
  for (const link of links) {
    expect(link.startsWith(`${emu.url}/beta/trustFramework/keySets?`)).toBe(true);
    const token = new URL(link).searchParams.get("$skiptoken")!;
    expect(token).toBeTruthy();
    expect(token).not.toMatch(/^\d+$/);
  }
});

test("$top sets the page size and is kept in nextLinks; smaller of $top and pageSize wins", async () => {
  const top2 = await followAll(`${emu.url}/beta/trustFramework/keySets?$top=2`);
  expect(top2.pages).toBe(3);
  expect(top2.ids).toHaveLength(5);
  expect(new URL(top2.links[0]).searchParams.get("$top")).toBe("2");
  emu.setBehaviour({ pageSize: 4 });
  const top1 = await followAll(`${emu.url}/beta/trustFramework/keySets?$top=1`);
  expect(top1.pages).toBe(5);
  const top10 = await followAll(`${emu.url}/beta/trustFramework/keySets?$top=10`);
  expect(top10.pages).toBe(2);
});

test("paging also applies to identity providers, user flows, policies and userFlowIdentityProviders", async () => {
  for (const type of ["WeChat", "QQ", "Weibo"]) {
    await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", { "@odata.type": "microsoft.graph.socialIdentityProvider", displayName: type, identityProviderType: type, clientId: "c", clientSecret: "s" });
  }
  await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", { id: "f1", userFlowType: "signIn", userFlowTypeVersion: 3 });
  await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", { id: "f2", userFlowType: "signIn", userFlowTypeVersion: 3 });
  for (const idp of ["WeChat-OAUTH", "QQ-OAUTH", "Weibo-OAUTH"]) {
    await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows/B2C_1_f1/userFlowIdentityProviders/$ref", { "@odata.id": `${emu.url}/beta/identity/identityProviders/${idp}` });
  }
  for (const id of ["B2C_1A_P1", "B2C_1A_P2", "B2C_1A_P3"]) {
    await graphFetch(emu, "PUT", `/beta/trustFramework/policies/${id}/$value`, `<TrustFrameworkPolicy TenantId="${emu.tenantDomain}" PolicyId="${id}"/>`);
  }
  emu.setBehaviour({ pageSize: 1 });
  expect((await followAll(`${emu.url}/v1.0/identity/identityProviders`)).pages).toBe(3);
  expect((await followAll(`${emu.url}/beta/identity/b2cUserFlows`)).ids).toEqual(["B2C_1_f1", "B2C_1_f2"]);
  expect((await followAll(`${emu.url}/beta/trustFramework/policies`)).pages).toBe(3);
  expect((await followAll(`${emu.url}/beta/identity/b2cUserFlows/B2C_1_f1/userFlowIdentityProviders`)).ids).toEqual(["WeChat-OAUTH", "QQ-OAUTH", "Weibo-OAUTH"]);
});

test("invalid $top or $skiptoken -> 400", async () => {
  expect((await graphFetch(emu, "GET", "/beta/trustFramework/keySets?$top=0")).status).toBe(400);
  expect((await graphFetch(emu, "GET", "/beta/trustFramework/keySets?$top=abc")).status).toBe(400);
  expect((await graphFetch(emu, "GET", "/beta/trustFramework/keySets?$skiptoken=garbage")).status).toBe(400);
});
