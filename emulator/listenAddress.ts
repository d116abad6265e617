// Where the emulator may listen: loopback unless the user insists, and the URL it then has.

/** Whether a listen address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h) || h === "::ffff:127.0.0.1";
}

/**
 * Refuses a listen address other machines can reach unless `allowRemote`: the emulator hands out
 * tokens for a fixed client secret and its control API can read and reset the tenant. With
 * `allowRemote` it warns on stderr. Its CA only certifies localhost and 127.0.0.1 (name constraints).
 */
export function checkListenHost(host: string, allowRemote: boolean | undefined, warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): void {
  if (isLoopbackHost(host)) return;
  if (!allowRemote) {
    throw new Error(
      `Refusing to listen on ${host}: the emulator is for this machine only (its client secret is public and its control API ` +
        `can reset the tenant). Use --host 127.0.0.1 (the default), or pass --allow-remote (allowRemote: true) if you really mean it.`,
    );
  }
  warn(
    `b2c emulator: WARNING: listening on ${host} (--allow-remote): anyone who can reach it can get tokens with the public client secret. ` +
      `Its TLS certificate is only valid for localhost and 127.0.0.1.`,
  );
}

/** The host part of the emulator's URL for a listen address. */
export function hostForUrl(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::" || host === "::0") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

/** The names the server certificate covers for a listen address. */
export function certificateHostsFor(host: string): string[] {
  const hosts = ["localhost", "127.0.0.1", "::1"];
  if (!hosts.includes(host) && host !== "0.0.0.0" && host !== "::") hosts.push(host);
  return hosts;
}
