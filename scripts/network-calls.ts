/**
 * Counts every way a bundle could reach the network (node:http, node:https, node:net, fetch),
 * for the benchmarks' "network calls once warm" figures. Patches the modules themselves (not ES
 * namespace copies), so a bundle required afterwards sees the counting functions.
 */
export interface NetworkCallCounter {
  /** Calls so far. */
  readonly count: () => number;
}

export function countNetworkCalls(): NetworkCallCounter {
  let calls = 0;
  const count = <T extends object, K extends keyof T>(target: T, name: K) => {
    const original = target[name] as unknown as (...args: unknown[]) => unknown;
    (target as Record<K, unknown>)[name] = (...args: unknown[]) => {
      calls++;
      return original.apply(target, args);
    };
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const [http, https, net] = ["node:http", "node:https", "node:net"].map((m) => require(m));
  count(https, "request"); count(https, "get"); count(http, "request"); count(http, "get"); count(net, "connect"); count(net, "createConnection");
  if (typeof globalThis.fetch === "function") count(globalThis, "fetch");
  return { count: () => calls };
}
