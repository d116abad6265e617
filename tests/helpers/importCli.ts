// Runs `b2c-identity import` in-process against an emulator, as a user would with AZURE_CLIENT_SECRET set.
import type { RunningEmulator } from "../../emulator";
import { main } from "../../cli";

/** Runs the CLI with the emulator's client secret in the environment (never as a flag). */
export async function runImport(emulator: RunningEmulator, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const saved = process.env.AZURE_CLIENT_SECRET;
  process.env.AZURE_CLIENT_SECRET = emulator.clientSecret;
  try {
    const code = await main(
      [
        "import",
        "--tenant-id", emulator.tenantDomain,
        "--tenant-name", emulator.tenantName,
        "--client-id", emulator.clientId,
        "--graph-endpoint", emulator.graphEndpoint,
        "--authority-host", emulator.authorityHost,
        ...args,
      ],
      (s) => (out += s),
      (s) => (err += s),
    );
    return { code, out, err };
  } finally {
    if (saved === undefined) delete process.env.AZURE_CLIENT_SECRET;
    else process.env.AZURE_CLIENT_SECRET = saved;
  }
}

