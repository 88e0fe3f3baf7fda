// Preloaded into CLI processes by tests that aim at a non-local address to prove the refusal:
// logs every socket connect to $LG_CONNECT_LOG and refuses any that is not loopback, so even a
// broken build never sends a byte off this machine.
const fs = require('node:fs');
const net = require('node:net');
const original = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  // net.connect() hands Socket#connect its normalized arguments: an array [options, callback].
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: args[1] };
  const host = options.host ?? 'localhost';
  if (process.env.LG_CONNECT_LOG) fs.appendFileSync(process.env.LG_CONNECT_LOG, `${host}:${options.port}\n`);
  if (!/^(127\.|::1$|localhost$)/.test(host) && options.path === undefined) throw new Error(`test guard: refused to connect to ${host}`);
  return original.apply(this, args);
};
