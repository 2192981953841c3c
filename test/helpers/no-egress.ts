// Loaded before every test file: any attempt to open a connection to a host
// other than loopback fails the attempt loudly, so a test (or the code under
// it) that would reach the network cannot pass by accident.
import net from 'node:net';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;
const original = net.Socket.prototype.connect;

function hostOf(args: unknown[]): string | undefined {
  // net.connect() hands Socket#connect its arguments already normalised, as an array.
  const [first, second] = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (first && typeof first === 'object' && !Array.isArray(first)) {
    const options = first as { host?: string; path?: string };
    if (options.path) return 'localhost'; // a Unix socket or pipe
    return options.host ?? 'localhost';
  }
  if (typeof first === 'number') return typeof second === 'string' ? second : 'localhost';
  if (typeof first === 'string') return 'localhost'; // a socket path
  return undefined;
}

net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const host = hostOf(args);
  if (host !== undefined && !LOOPBACK.test(host)) {
    throw new Error(`Network egress blocked in tests: connection to ${host}`);
  }
  return (original as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
