// A TypeScript program run by the real engine on a machine where the plugin was never installed:
// the program says so, with the one command that installs it, before anything is registered.
import type { RunningEmulator } from "../../emulator";
import { EngineProject, useEngineStack } from "../helpers/pulumiEngine";

describe("the b2c-identity plugin not installed", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  useEngineStack(
    (s) => ({ emu, project } = s),
    () => ({ project: { plugin: false }, config: { "b2c:socialSignIn": JSON.stringify({ identityProviders: [{ type: "Google", clientId: "g-client" }] }) }, secrets: { "b2c:googleAppKey": "google-secret-1" } }),
  );

  test("preview and up fail naming `npx b2c-identity plugin install`, with no Graph request", async () => {
    for (const run of [() => project.preview([], { allowFailure: true }), () => project.up([], { allowFailure: true })]) {
      const result = await run();
      expect(result.code).not.toBe(0);
      expect(result.stdout + result.stderr).toContain("The b2c-identity provider plugin v0.1.0 is not installed");
      expect(result.stdout + result.stderr).toContain("npx b2c-identity plugin install");
    }
    expect(emu.requestLog().filter((e) => e.kind === "graph")).toEqual([]);
  });
});
