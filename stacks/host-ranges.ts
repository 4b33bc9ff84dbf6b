/**
 * Which literal hosts are this machine's or a private network's: loopback, link-local, private
 * ranges, carrier-grade NAT, unspecified (and multicast or reserved ones, which serve nothing). Used to refuse them as AWS backends
 * (stacks/backend-hosts.ts) and to allow plain http:// to them for `npm run local`.
 */
import { BlockList } from "node:net";

export type LocalHostKind = "loopback" | "link-local" | "private" | "shared (CGNAT)" | "unspecified" | "multicast or reserved";

/**
 * Ranges by kind. 100.64.0.0/10 (RFC 6598, carrier-grade NAT) is refused with the private ones:
 * it is not routed on the internet, so API Gateway cannot reach it either. IPv4-mapped IPv6
 * addresses (`::ffff:127.0.0.1`) match the IPv4 rules (node's BlockList compares them so).
 */
const RANGES: ReadonlyArray<readonly [LocalHostKind, string, number, "ipv4" | "ipv6"]> = [
  ["loopback", "127.0.0.0", 8, "ipv4"],
  ["loopback", "::1", 128, "ipv6"],
  ["unspecified", "0.0.0.0", 8, "ipv4"],
  ["unspecified", "::", 128, "ipv6"],
  ["link-local", "169.254.0.0", 16, "ipv4"],
  ["link-local", "fe80::", 10, "ipv6"],
  ["private", "10.0.0.0", 8, "ipv4"],
  ["private", "172.16.0.0", 12, "ipv4"],
  ["private", "192.168.0.0", 16, "ipv4"],
  ["private", "fc00::", 7, "ipv6"],
  ["shared (CGNAT)", "100.64.0.0", 10, "ipv4"],
  // No backend answers there: multicast, 240.0.0.0/4 (reserved, with the broadcast address).
  ["multicast or reserved", "224.0.0.0", 4, "ipv4"],
  ["multicast or reserved", "240.0.0.0", 4, "ipv4"],
  ["multicast or reserved", "ff00::", 8, "ipv6"],
];
const LISTS = new Map<LocalHostKind, BlockList>();
for (const [kind, network, prefix, family] of RANGES) {
  const list = LISTS.get(kind) ?? new BlockList();
  list.addSubnet(network, prefix, family);
  LISTS.set(kind, list);
}

/** What a URL's hostname (as `new URL` gives it: lower case, IPv4 canonical, IPv6 in brackets) is, when it is not a public host. */
export function localHostKind(hostname: string): LocalHostKind | undefined {
  const host = hostname.replace(/\.$/, "").replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return "loopback"; // RFC 6761 §6.3
  const family = host.includes(":") ? "ipv6" : /^[\d.]+$/.test(host) ? "ipv4" : undefined;
  if (!family) return undefined;
  for (const [kind, list] of LISTS) if (list.check(host, family)) return kind;
  return undefined;
}

/** Hosts a developer's own machine serves backends on: plain http:// is accepted to them (for npm run local). */
export function isDevelopmentHost(hostname: string): boolean {
  const kind = localHostKind(hostname);
  return kind === "loopback" || kind === "private";
}
