/**
 * The fallback benchmark target: a minimal node:http server answering 200 "ok" to everything,
 * run in its own process (`tsx bench/servers/node-http-server.ts <port>`). Prints "listening"
 * once it accepts connections.
 */
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const server = createServer({ keepAliveTimeout: 65_000 }, (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
  res.end('ok');
});
server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
