// Two participants of one meeting on two gateway replicas: prints `{"ready": ...}` once both
// are in the room, then `{"vanished": ...}` when the mentor's room-users-updated no longer
// lists the student (after the test killed the student's replica). One JSON object a line.
//
// usage: node presence.mjs '<json {meetingId, mentor:{url,token}, student:{url,token}}>'
import { io } from "socket.io-client";

const cfg = JSON.parse(process.argv[2]);
const print = (o) => process.stdout.write(JSON.stringify(o) + "\n");

function connect({ url, token }) {
  const socket = io(url, { auth: { token }, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.on("connect", () => resolve(socket));
    socket.on("connect_error", (err) => reject(err));
  });
}

const room = cfg.meetingId;
const mentor = await connect(cfg.mentor);
const student = await connect(cfg.student);
const studentSid = student.id;
let bothSeen = null;
let ready = false;
mentor.on("room-users-updated", (update) => {
  const ids = update.users.map((u) => u.socketId);
  if (ids.includes(studentSid) && ids.includes(mentor.id)) {
    bothSeen = update;
  } else if (ready && !ids.includes(studentSid)) {
    print({ vanished: update });
    mentor.disconnect();
    process.exit(0);
  }
});
await mentor.timeout(5000).emitWithAck("join-room", { roomId: room });
await student.timeout(5000).emitWithAck("join-room", { roomId: room });
// no ack is pending when the test kills the student's replica
while (!bothSeen) await new Promise((r) => setTimeout(r, 10));
ready = true;
print({ ready: bothSeen });
setTimeout(() => {
  print({ timeout: true });
  process.exit(1);
}, 30000);
