// `npm run bench:client`: per-request overhead of the Graph client (middleware, auth, retry
// handlers, error mapping) against a bare fetch of the same request, on loopback with no added
// latency; and how many token requests 500 Graph calls cost. Prints a table and one JSON line.
import { startEmulator } from "../emulator";
import { GraphApi } from "../graph/client";
import { clearCredentialCache } from "../graph/credential";
import { resolveGraphSettings } from "../graph/settings";

const CALLS = 500;
const PATH = "/identity/identityProviders";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const emu = await startEmulator({ port: 0 });
  try {
    const config: Record<string, string> = {
      "b2c:tenantId": emu.tenantDomain,
      "b2c:clientId": emu.clientId,
      "b2c:clientSecret": emu.clientSecret,
      "b2c:graphEndpoint": emu.graphEndpoint,
      "b2c:authorityHost": emu.authorityHost,
    };
    const graph = new GraphApi(resolveGraphSettings({ get: (k) => config[k] }, {}));
    const list = () => graph.request({ method: "GET", version: "v1.0", path: PATH, description: "list identity providers" });
    // A bare fetch needs a token too: take one from the emulator directly, outside the measurement.
    const tokenResponse = await fetch(`${emu.authorityHost}/${emu.tenantDomain}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: "https://graph.microsoft.com/.default" }),
    });
    const { access_token } = (await tokenResponse.json()) as { access_token: string };
    const bare = async () => {
      const res = await fetch(`${emu.graphEndpoint}/v1.0${PATH}`, { headers: { authorization: `Bearer ${access_token}` } });
      await res.json();
    };
    for (let i = 0; i < 50; i++) {
      await list();
      await bare();
    }
    emu.clearRequestLog();
    const clientTimes: number[] = [];
    const fetchTimes: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      // Interleaved, so both see the same machine state.
      let t = process.hrtime.bigint();
      await list();
      clientTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
      t = process.hrtime.bigint();
      await bare();
      fetchTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    // Token requests of a fresh process-like start: a new credential, 500 calls.
    clearCredentialCache();
    emu.clearRequestLog();
    const fresh = new GraphApi(resolveGraphSettings({ get: (k) => config[k] }, {}));
    for (let i = 0; i < CALLS; i++) await fresh.request({ method: "GET", version: "v1.0", path: PATH, description: "list" });
    const log = emu.requestLog();
    const tokenRequests = log.filter((e) => e.kind === "token" && e.method === "POST").length;
    const graphCalls = log.filter((e) => e.kind === "graph").length;

    const clientMedian = median(clientTimes);
    const fetchMedian = median(fetchTimes);
    const ratio = clientMedian / fetchMedian;
    const rows = [
      ["median per request, Graph client", `${clientMedian.toFixed(3)} ms`, ""],
      ["median per request, bare fetch", `${fetchMedian.toFixed(3)} ms`, ""],
      ["client / fetch", ratio.toFixed(2), ratio <= 1.3 ? "goal <= 1.3: met" : "goal <= 1.3: NOT met"],
      [`token requests for ${graphCalls} Graph calls`, String(tokenRequests), tokenRequests === 1 ? "goal 1: met" : "goal 1: NOT met"],
    ];
    for (const [a, b, c] of rows) console.log(`${a.padEnd(44)} ${b.padStart(12)}  ${c}`);
    console.log(JSON.stringify({ calls: CALLS, clientMedianMs: clientMedian, fetchMedianMs: fetchMedian, ratio, tokenRequests, graphCalls }));
  } finally {
    await emu.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
