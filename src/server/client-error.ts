/**
 * Requests Node's HTTP parser refuses before any route sees them — a request line that is
 * not HTTP, headers over Node's 16 KB (a 100 KB cursor in the query), a malformed
 * Content-Length, both Content-Length and Transfer-Encoding — are answered with the
 * protocol's error body (SYNC-PROTOCOL.md: every error is `{"error": {"code", "message"}}`),
 * not Node's empty 400/431, and with the CORS header every other error carries. Nothing of
 * the request was read, so the message is in Indonesian, the default.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from './context';
import { errorBody } from './errors';

const REASON: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout' };

export function answerClientErrors(server: Server, logger: Logger): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // As Node's own handler: nothing to say to a peer that is gone, or in the middle of an answer.
    const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || answering?.headersSent) {
      socket.destroy();
      return;
    }
    // Headers over the limit are `400 invalid_request` as the protocol's table pairs them, not
    // HTTP's 431: a client reading the code finds the status it expects.
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify(errorBody('invalid_request', 'id'));
    socket.end(
      `HTTP/1.1 ${status} ${REASON[status]}\r\n` +
        'Content-Type: application/json; charset=UTF-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Access-Control-Allow-Origin: *\r\n' +
        'Connection: close\r\n\r\n' +
        body,
      // Server sockets allow half-open connections: without this, a peer that never closes its side keeps it.
      () => socket.destroy(),
    );
    logger({ event: 'client_error', status, code: error.code ?? null });
  });
}
