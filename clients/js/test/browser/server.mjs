// A tiny static server for the browser tests: the SDK under /sdk/, @stomp/stompjs's ES modules under
// /vendor/stompjs/, the test pages under /pages/. Bound to 127.0.0.1 on a free port.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const sdkRoot = fileURLToPath(new URL('../../', import.meta.url));
const roots = {
  '/sdk/': sdkRoot,
  '/vendor/stompjs/': join(sdkRoot, 'node_modules/@stomp/stompjs/esm6/'),
  '/pages/': fileURLToPath(new URL('./pages/', import.meta.url)),
};
const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.css': 'text/css', '.map': 'application/json' };

export function startStaticServer() {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const prefix = Object.keys(roots).find((p) => path.startsWith(p));
    const relative = prefix ? normalize(path.slice(prefix.length)) : '';
    if (!prefix || relative.startsWith('..') || relative.includes('node_modules') && prefix === '/sdk/') {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(roots[prefix], relative));
      res.writeHead(200, { 'content-type': types[extname(relative)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((ok) => server.close(ok)),
  })));
}
