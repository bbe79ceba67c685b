/**
 * The floor of `bench:server`'s latency part: a bare node:http server that does for a push
 * only what any server must — reads the body, unpacks it, parses it, answers each mutation
 * `applied` — with no routing, token, entry checks or database. bench/server.bench.ts runs
 * it on the same pushes in the same minutes as the real server, so that its p99 says how
 * much of the 100 ms budget this machine's loopback, HTTP and JSON take that day (these
 * machines are shared, and their speed swings by half from one day to the next).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

interface PushBody {
  mutations: { seq: number; entry: { id: string } }[];
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    const { mutations } = JSON.parse(body.toString('utf8')) as PushBody;
    const answer = {
      ackSeq: mutations[mutations.length - 1].seq,
      results: mutations.map((m, i) => ({ id: m.entry.id, status: 'applied', version: i + 1 })),
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${port}` }));
});
