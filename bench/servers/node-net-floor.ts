/**
 * The floor of any HTTP server written on node:net, for bench/emulator.ts: it frames nothing and
 * checks nothing, and answers a fixed 200 "ok" for every blank line that ends a request head (the
 * bench's clients send GETs without bodies), in one write per read. Whatever an emulator on
 * node:net does per request costs at least this: the read, the write, and net.Socket's streams.
 * Runs in its own process (`tsx bench/servers/node-net-floor.ts <port>`) and prints "listening".
 */
import { createServer } from 'node:net';

const ANSWER = 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok';
const END_OF_HEAD = '\r\n\r\n';

const port = Number(process.argv[2] ?? 0);
const server = createServer((socket) => {
  socket.setNoDelay(true);
  let carried = '';
  socket.on('data', (chunk: Buffer) => {
    const text = carried + chunk.toString('latin1');
    let heads = 0;
    let from = 0;
    for (let at = text.indexOf(END_OF_HEAD); at >= 0; at = text.indexOf(END_OF_HEAD, from)) {
      heads++;
      from = at + END_OF_HEAD.length;
    }
    carried = text.slice(from);
    if (heads > 0) socket.write(heads === 1 ? ANSWER : ANSWER.repeat(heads), 'latin1');
  });
  socket.on('error', () => socket.destroy());
});
server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
// Nothing to flush: the bench stops it mid-connection.
process.on('SIGTERM', () => process.exit(0));
