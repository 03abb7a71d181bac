// Socket.IO baseline of scripts/bench: every client joins one room; POST /broadcast emits the JSON body
// to that room as event "msg". Loopback only; port from PORT (default 3600).
const http = require('http');
const { Server } = require('socket.io');

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/broadcast') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      io.to('bench').emit('msg', JSON.parse(Buffer.concat(chunks).toString()));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ recipients: io.of('/').adapter.rooms.get('bench')?.size ?? 0 }));
    });
  } else if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', clients: io.engine.clientsCount, rss: process.memoryUsage().rss }));
  } else {
    res.writeHead(404).end();
  }
});
const io = new Server(server, { transports: ['websocket'], serveClient: false, perMessageDeflate: false });
io.on('connection', (socket) => socket.join('bench'));
server.listen(Number(process.env.PORT || 3600), '127.0.0.1');
