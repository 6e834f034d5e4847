//! OpenAPI entries of the Socket.IO endpoint (the protocol is Engine.IO v4 + Socket.IO v5,
//! not JSON over HTTP; these entries say where it is and what a client sends). The events
//! are listed in the API contract and `docs/realtime.md`.

/// Engine.IO handshake (no `sid`), long-polling GET (with `sid`), or the WebSocket upgrade
/// (`transport=websocket`). Use the official `socket.io-client` v4:
/// `io(url, { auth: { token: "<access JWT>" } })`.
#[utoipa::path(get, path = "/socket.io/", tag = "realtime",
    params(
        ("EIO" = String, Query, description = "Engine.IO protocol version: 4"),
        ("transport" = String, Query, description = "`polling` or `websocket`"),
        ("sid" = Option<String>, Query, description = "Session id, after the handshake"),
    ),
    responses(
        (status = 200, description = "Engine.IO packets (text/plain; charset=UTF-8)", content_type = "text/plain"),
        (status = 101, description = "WebSocket"),
        (status = 400, description = "Engine.IO error `{code, message}`"),
    ))]
pub fn socket_io_get() {}

/// Long-polling POST: Engine.IO packets from the client, separated by `\x1e`.
#[utoipa::path(post, path = "/socket.io/", tag = "realtime",
    params(
        ("EIO" = String, Query, description = "Engine.IO protocol version: 4"),
        ("transport" = String, Query, description = "`polling`"),
        ("sid" = String, Query, description = "Session id"),
    ),
    request_body(content = String, content_type = "text/plain", description = "Engine.IO payload"),
    responses(
        (status = 200, description = "`ok`", content_type = "text/html"),
        (status = 400, description = "Engine.IO error `{code, message}`"),
        (status = 413, description = "Payload over `maxPayload`"),
    ))]
pub fn socket_io_post() {}
