// A loopback HTTPS proxy in front of the emulator that can answer chosen requests itself, e.g. as a
// token authority or a Graph front end that quotes what was posted back in its error (as some
// services and proxies do). Everything else is passed through to the emulator unchanged.
import * as https from "https";
import type { IncomingHttpHeaders } from "http";
import type { RunningEmulator } from "../../emulator";
import { ensureCertificateAuthority, issueServerCertificate } from "../../emulator/certificateAuthority";

export interface ProxiedRequest {
  method: string;
  /** The request-target as sent (path and query). */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ProxyAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface QuotingProxy {
  url: string;
  /** Requests the proxy answered itself. */
  answered: ProxiedRequest[];
  stop(): Promise<void>;
}

/** Starts the proxy; `answer` returns an answer to send instead of the emulator's, or undefined to pass the request on. */
export async function startQuotingProxy(emu: RunningEmulator, answer: (request: ProxiedRequest) => ProxyAnswer | undefined): Promise<QuotingProxy> {
  const { certPem, keyPem } = issueServerCertificate(ensureCertificateAuthority(), ["127.0.0.1", "localhost"]);
  const answered: ProxiedRequest[] = [];
  let ownUrl = "";
  const server = https.createServer({ key: keyPem, cert: certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const request: ProxiedRequest = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      try {
        const own = answer(request);
        if (own) {
          answered.push(request);
          res.writeHead(own.status, { "content-type": "application/json", ...own.headers });
          res.end(own.body);
          return;
        }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (typeof value === "string" && !["host", "connection", "content-length", "transfer-encoding"].includes(name)) headers[name] = value;
        }
        const upstream = await fetch(`${emu.url}${request.url}`, {
          method: request.method,
          headers,
          body: ["GET", "HEAD"].includes(request.method) ? undefined : Buffer.concat(chunks),
        });
        const out: Record<string, string> = {};
        upstream.headers.forEach((value, name) => {
          if (!["content-length", "content-encoding", "transfer-encoding", "connection"].includes(name)) out[name] = value;
        });
        res.writeHead(upstream.status, out);
        // Discovery documents name the emulator's endpoints: name the proxy's instead, so that
        // the token request comes here too.
        res.end((await upstream.text()).split(emu.url).join(ownUrl));
      } catch (error) {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  ownUrl = `https://127.0.0.1:${port}`;
  return {
    url: ownUrl,
    answered,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A value as a careless service might quote it back, in several forms at once: as sent, URL-encoded
 * (as in a posted form), JSON-escaped the .NET way, base64, hex, split over two lines.
 */
export function quotedForms(value: string): string {
  const dotnet = [...value].map((c) => (/[A-Za-z0-9]/.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`)).join("");
  const half = Math.ceil(value.length / 2);
  return [
    value,
    encodeURIComponent(value),
    encodeURIComponent(encodeURIComponent(value)),
    dotnet,
    Buffer.from(value).toString("base64"),
    Buffer.from(value).toString("hex"),
    `${value.slice(0, half)}\n${value.slice(half)}`,
    value.slice(3, 14).toUpperCase(),
  ].join(" | ");
}
