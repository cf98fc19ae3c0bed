// The reference for bench/rooms_fanout.py: a minimal socket.io 4 server doing the same room
// broadcast as Marquee (the stack the original watch-together service ran on). In-memory, one process.
const { Server } = require('socket.io');

const port = Number(process.argv[2] || 3999);
const io = new Server(port, { cors: { origin: '*' }, transports: ['websocket', 'polling'] });
const rooms = new Map();
let counter = 0;

io.on('connection', (socket) => {
  socket.on('create_room', (payload, ack) => {
    const id = `r${++counter}`;
    const room = { id, adminId: socket.id, state: { isPlaying: false, currentTime: 0, playbackRate: 1, updatedAt: Date.now() } };
    rooms.set(id, room);
    socket.join(id);
    ack({ success: true, data: room });
  });
  socket.on('join_room', (payload, ack) => {
    const room = rooms.get(payload && payload.roomId);
    if (!room) return ack({ success: false, error: { code: 'ROOM_NOT_FOUND', message: 'no room' } });
    socket.join(room.id);
    socket.to(room.id).emit('user_joined', { userId: socket.id });
    ack({ success: true, data: { room, currentState: room.state, serverTime: Date.now() } });
  });
  socket.on('playback_action', (payload, ack) => {
    const room = rooms.get(payload && payload.roomId);
    if (!room) return ack({ success: false, error: { code: 'ROOM_NOT_FOUND', message: 'no room' } });
    const now = Date.now();
    if (payload.action.type === 'seek') room.state = { ...room.state, currentTime: payload.action.data.currentTime, updatedAt: now };
    io.to(room.id).emit('playback_updated', { action: payload.action, state: room.state, userId: socket.id, timestamp: now, serverTime: now });
    if (typeof ack === 'function') ack({ success: true, data: { state: room.state } });
  });
});
console.log(`ready ${port}`);
