// How long a provider process takes from spawn to serving: Pulumi starts a provider plugin with the
// engine's address and reads the port it prints on stdout once its gRPC server listens
// (pulumi/pulumi sdk/go/common/resource/plugin/plugin.go). bench/engine.ts times the two the engine
// starts for each operation: our plugin's executable and the dynamic-provider host's.
import { spawn } from "child_process";

/** Spawn to the first line on stdout (the port), ms; the process is killed then. */
export function startToServing(executable: string, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // An engine address nothing listens on: a provider only dials it when it logs.
    const child = spawn(executable, ["127.0.0.1:1"], { cwd, stdio: ["ignore", "pipe", "ignore"] });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`${executable} exited ${code} before serving`)));
    child.stdout.once("data", () => {
      const ms = performance.now() - started;
      child.removeAllListeners("exit");
      child.kill("SIGKILL");
      resolve(ms);
    });
  });
}
