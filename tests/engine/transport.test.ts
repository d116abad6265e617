// Through the real engine (issue 20, item 1), with `b2c:retryBudgetSeconds` set. A first `up` meets
// two hostile answers at once, on two resources the engine runs in parallel: a create that Graph
// throttles for ever with `Retry-After: 0`, and a create the server accepts and never answers. It
// ends, each error says what happened (throttling; no answer within the budget), no secret is
// printed, and the emulator's request log shows the client kept to the 1 s floor and the budget.
// With the faults gone, a second up converges. A `refresh` then meets a listing whose
// @odata.nextLink repeats (each attachment lists its flow's providers) and stops at once.
import type { RunningEmulator } from "../../emulator";
import { EngineProject, useEngineStack } from "../helpers/pulumiEngine";
import { graphCalls } from "../helpers/requestLog";

const APP_KEYS = { "b2c:wechatAppKey": "0123456789abcdef0123456789abcdef", "b2c:qqAppKey": "engine-qq-app-key-9f8e7d" };
const BUDGET_SECONDS = 3;

const socialSignIn = {
  identityProviders: [
    { type: "WeChat", appId: "wx0123456789abcdef", policyKey: true },
    { type: "QQ", appId: "101000001" },
  ],
  userFlows: [{ name: "signupsignin", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3, identityProviders: ["WeChat", "QQ"] }],
};

describe("throttling, a hung request and a paging loop, through the real engine", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  useEngineStack(
    (s) => ({ emu, project } = s),
    () => ({ config: { "b2c:socialSignIn": socialSignIn, "b2c:retryBudgetSeconds": String(BUDGET_SECONDS) }, secrets: APP_KEYS }),
  );

  test("up ends within the budget with errors that say why and print no secret; the next up converges; a paging loop stops a refresh", async () => {
    emu.setFaults({
      rules: [
        { method: "POST", path: "^/identity/b2cUserFlows$", status: 429, retryAfterHeader: "0" },
        { method: "POST", path: "^/trustFramework/keySets$", hang: true },
      ],
    });
    emu.clearRequestLog();
    const up = await project.up([], { allowFailure: true });
    const output = up.stdout + up.stderr;
    expect(up.code).not.toBe(0);

    // Throttling: named, and given up on when the next wait would leave no attempt inside the budget.
    expect(output).toMatch(/create user flow B2C_1_signupsignin .*HTTP 429 TooManyRequests.*Graph kept throttling the request \(HTTP 429\): gave up after \d+ attempt\(s\)/);
    expect(output).toMatch(/retry budget of 3 s, stack config 'b2c:retryBudgetSeconds'/);
    // The hung keyset create: cut off at the budget, its outcome called unknown.
    expect(output).toMatch(/B2C_1A_WeChatSecret.*no answer within the retry budget of 3 s .*the write may or may not have been carried out/s);
    const secrets = [...Object.values(APP_KEYS), emu.clientSecret];
    for (const secret of secrets) expect(output).not.toContain(secret);

    // The server's witness. Throttled creates: at least 1 s apart (Retry-After 0 notwithstanding), all inside the budget.
    const creates = graphCalls(emu.requestLog()).filter((e) => e.method === "POST" && /\/identity\/b2cUserFlows$/.test(e.path));
    expect(creates.length).toBeGreaterThanOrEqual(2);
    const arrivals = creates.map((e) => Date.parse(e.time) - e.durationMs);
    for (let i = 1; i < creates.length; i++) expect(arrivals[i] - Date.parse(creates[i - 1].time)).toBeGreaterThanOrEqual(990);
    expect(arrivals[arrivals.length - 1] - arrivals[0]).toBeLessThanOrEqual(BUDGET_SECONDS * 1000);
    // The hung create was held only until the client gave up at the budget.
    const hung = emu.requestLog().filter((e) => e.fault === "hang");
    expect(hung.length).toBeGreaterThanOrEqual(1);
    for (const entry of hung) expect(entry.durationMs).toBeLessThan(BUDGET_SECONDS * 1000 + 1500);

    emu.setFaults({ rules: [] });
    await project.up();
    const tenant = emu.snapshot();
    expect(tenant.identityProviders.map((p) => p.type).sort()).toEqual(["QQ", "WeChat"]);
    expect(tenant.userFlows.map((f) => f.id)).toEqual(["B2C_1_signupsignin"]);
    expect(tenant.keySets.map((k) => [k.id, k.keys.length])).toEqual([["B2C_1A_WeChatSecret", 1]]);

    // The repeating nextLink: a refresh reads each attachment by listing its flow's providers; each
    // listing stops at once, after a handful of page requests, not thousands.
    emu.setFaults({ rules: [{ method: "GET", path: "/userFlowIdentityProviders$", nextLink: "repeat" }] });
    emu.clearRequestLog();
    const paging = await project.refresh([], { allowFailure: true });
    const pagingOutput = paging.stdout + paging.stderr;
    expect(paging.code).not.toBe(0);
    expect(pagingOutput).toMatch(
      /list identity providers of user flow B2C_1_signupsignin \(GET \/beta\/identity\/b2cUserFlows\/B2C_1_signupsignin\/userFlowIdentityProviders\) failed: pagingLoop: paging stopped after 1 page\(s\): Graph sent an @odata.nextLink it had already sent/,
    );
    for (const secret of secrets) expect(pagingOutput).not.toContain(secret);
    const pages = graphCalls(emu.requestLog()).filter((e) => e.method === "GET" && e.fault === "nextLink:repeat");
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.length).toBeLessThanOrEqual(8);
  }, 300_000);
});
