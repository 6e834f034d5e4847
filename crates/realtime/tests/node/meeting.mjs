// A meeting between a mentor and a student through the official socket.io-client v4, as
// the frontends use it: `io(url, { auth: { token } })` with default options unless the test
// asks for one transport. Prints one JSON transcript on stdout for the Rust test to judge.
//
// usage: node meeting.mjs '<json config>'
//   { "mentor": {"url", "token", "transports"?}, "student": {...}, "outsider": {...},
//     "meetingId": "...", "badTokenUrl": "..." }
import { io } from "socket.io-client";

const cfg = JSON.parse(process.argv[2]);
const out = { steps: [] };
const TIMEOUT = 5000;

function connect(who, { url, token, transports }) {
  const opts = { auth: { token }, reconnection: false, timeout: TIMEOUT };
  if (transports) opts.transports = transports;
  const socket = io(url, opts);
  socket.events = [];
  socket.onAny((event, payload) => socket.events.push({ event, payload }));
  return new Promise((resolve, reject) => {
    socket.on("connect", () => resolve(socket));
    socket.on("connect_error", (err) => reject(new Error(`${who}: connect_error ${err.message}`)));
  });
}

function ack(socket, event, payload) {
  return socket.timeout(TIMEOUT).emitWithAck(event, payload);
}

// Waits until `socket` has received `event` matching `pred` (seen before or after the call).
function received(socket, event, pred = () => true) {
  const seen = socket.events.find((e) => e.event === event && pred(e.payload));
  if (seen) return Promise.resolve(seen.payload);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${event} within ${TIMEOUT} ms; got ${JSON.stringify(socket.events)}`)),
      TIMEOUT,
    );
    const listener = (name, payload) => {
      if (name === event && pred(payload)) {
        clearTimeout(timer);
        socket.offAny(listener);
        resolve(payload);
      }
    };
    socket.onAny(listener);
  });
}

const step = (name, value) => out.steps.push({ name, value });
const room = cfg.meetingId;

async function main() {
  if (cfg.badTokenUrl) {
    try {
      await connect("bad", { url: cfg.badTokenUrl, token: "not-a-token" });
      step("bad_token", { connected: true });
    } catch (err) {
      step("bad_token", { error: err.message });
    }
  }

  const mentor = await connect("mentor", cfg.mentor);
  const student = await connect("student", cfg.student);
  step("transports", {
    mentor: mentor.io.engine.transport.name,
    student: student.io.engine.transport.name,
  });
  step("ids", { mentor: mentor.id, student: student.id });

  step("initialize", await ack(mentor, "initialize-meeting", { meetingId: room }));
  step("mentor_join", await ack(mentor, "join-room", { roomId: room }));
  step("meeting_started", await received(mentor, "meeting-started"));
  step("student_join", await ack(student, "join-room", { roomId: room }));
  const both = (p) => p.users && p.users.length === 2;
  step("mentor_sees_two", await received(mentor, "room-users-updated", both));
  step("student_sees_two", await received(student, "room-users-updated", both));

  if (cfg.outsider) {
    const outsider = await connect("outsider", cfg.outsider);
    step("outsider_join", await ack(outsider, "join-room", { roomId: room }));
    step("outsider_offer", await ack(outsider, "offer", { to: student.id, sdp: "x" }));
    outsider.disconnect();
  }

  const sdp = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" };
  step("offer_ack", await ack(mentor, "offer", { to: student.id, sdp }));
  step("offer", await received(student, "offer"));
  const answer = { type: "answer", sdp: "v=0\r\n" };
  step("answer_ack", await ack(student, "answer", { to: mentor.id, sdp: answer }));
  step("answer", await received(mentor, "answer"));
  step("ice_ack", await ack(mentor, "ice-candidate", { to: student.id, candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host" }));
  step("ice", await received(student, "ice-candidate"));

  step("chat_ack", await ack(student, "chat-message", { roomId: room, text: "Hello, mentor!" }));
  step("chat_mentor", await received(mentor, "chat-message"));
  step("chat_student", await received(student, "chat-message"));

  step("audio_ack", await ack(mentor, "audio-toggle", { roomId: room, enabled: false }));
  step("audio", await received(student, "audio-toggle"));
  step("mentor_got_own_audio", mentor.events.some((e) => e.event === "audio-toggle"));

  step("rec_start_ack", await ack(mentor, "start-recording", { roomId: room }));
  step("rec_started", await received(student, "recording-started"));
  step("rec_stop_ack", await ack(mentor, "stop-recording", { roomId: room }));
  step("rec_stopped", await received(student, "recording-stopped"));

  step("online", await ack(mentor, "get-online-users", {}));

  step("end_ack", await ack(mentor, "end-meeting", { roomId: room }));
  step("ended_mentor", await received(mentor, "meeting-ended"));
  step("ended_student", await received(student, "meeting-ended"));

  mentor.disconnect();
  student.disconnect();
}

main()
  .then(() => {
    process.stdout.write(JSON.stringify(out));
    process.exit(0);
  })
  .catch((err) => {
    out.error = err.message;
    process.stdout.write(JSON.stringify(out));
    process.exit(0);
  });
