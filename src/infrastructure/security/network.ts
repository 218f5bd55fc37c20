import { BlockList, isIP } from 'node:net';

/** The closed network (Pasal 3(1)(b)): the address ranges requests may come from. */
export class NetworkAllowList {
  private readonly list = new BlockList();

  constructor(readonly cidrs: readonly string[]) {
    for (const cidr of cidrs) {
      const [address, prefix] = cidr.split('/');
      const family = isIP(address ?? '');
      if (!family) throw new Error(`"${cidr}" is not an IPv4 or IPv6 CIDR`);
      if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) throw new Error(`"${cidr}" has an invalid prefix length`); // "10.0.0.0/" is not /0
      const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
      if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) throw new Error(`"${cidr}" has an invalid prefix length`);
      this.list.addSubnet(address!, bits, family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  allows(address: string | undefined): boolean {
    if (!address) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address); // IPv4 seen through an IPv6 socket
    const plain = mapped ? mapped[1]! : address;
    const family = isIP(plain);
    if (!family) return false;
    return this.list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  }
}
