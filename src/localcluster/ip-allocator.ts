// Hands out Service cluster IPs (10.96.0.0/12) and LoadBalancer ingress IPs (172.18.255.0/24),
// skipping addresses already held by stored Services.
import { isPlainObject, type KubeObject } from './object-meta.js';

function ipToNum(ip: string): number {
  return ip.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
}

function numToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export class IpAllocator {
  private readonly used = new Set<string>();
  private next: number;

  constructor(
    private readonly first: string,
    private readonly size: number,
  ) {
    this.next = ipToNum(first);
  }

  reserve(ip: string): void {
    this.used.add(ip);
  }

  allocate(): string {
    const base = ipToNum(this.first);
    for (let i = 0; i < this.size; i++) {
      const candidate = numToIp(this.next);
      this.next = base + ((this.next - base + 1) % this.size);
      if (!this.used.has(candidate)) {
        this.used.add(candidate);
        return candidate;
      }
    }
    throw new Error(`no free address left in ${this.first}+${this.size}`);
  }
}

/** Cluster IPs and load-balancer IPs, seeded with the Services already stored. */
export function serviceIpAllocators(services: readonly KubeObject[]): {
  clusterIps: IpAllocator;
  loadBalancerIps: IpAllocator;
} {
  const clusterIps = new IpAllocator('10.96.0.10', 1 << 20);
  const loadBalancerIps = new IpAllocator('172.18.255.1', 254);
  for (const s of services) {
    const spec = isPlainObject(s.spec) ? s.spec : {};
    if (typeof spec.clusterIP === 'string') clusterIps.reserve(spec.clusterIP);
    const ing =
      isPlainObject(s.status) && isPlainObject(s.status.loadBalancer)
        ? s.status.loadBalancer.ingress
        : undefined;
    if (Array.isArray(ing))
      for (const i of ing)
        if (isPlainObject(i) && typeof i.ip === 'string') loadBalancerIps.reserve(i.ip);
  }
  return { clusterIps, loadBalancerIps };
}
