/** A plain HTTP server for a built page (the bare-stack reference), through the relay's own static file code. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveStatic } from '../../server/static.ts';

export interface StaticSite {
  url: string;
  close(): Promise<void>;
}

export async function serveDir(root: string): Promise<StaticSite> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    serveStatic(req, res, root, path).then(
      (r) => {
        if (r !== 'served') {
          res.statusCode = 404;
          res.end('not found');
        }
      },
      () => {
        res.statusCode = 500;
        res.end();
      },
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
