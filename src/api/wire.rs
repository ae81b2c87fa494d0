//! JSON bodies for the errors hyper answers by itself.
//!
//! A request whose head hyper cannot read — a malformed request line or header (`400`), an address
//! longer than hyper's limit (`414`), more headers or bytes than it accepts (`431`) — is answered
//! by hyper before any handler runs, with an empty body and no hook to change it. [`JsonErrors`]
//! wraps the connection's stream and recognises such an answer as hyper writes it: an error status
//! line at the start of a write, `connection: close`, `content-length: 0`, and no
//! `x-request-id` header — every answer of the application carries one (the request-id layer sets
//! it on every response). It writes the same status with the JSON error of
//! [`ApiError::unreadable`] instead; all other bytes pass through unchanged.
//!
//! hyper writes this answer only when no other answer is being written, after flushing the
//! previous one, so it always starts a write and is complete in it (it is about 100 bytes).

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};

use axum::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::ApiError;

/// Statuses hyper answers by itself, counted in [`unreadable_counts`].
const UNREADABLE: [u16; 3] = [400, 414, 431];

/// How many automatic answers of each status of [`UNREADABLE`] were replaced (in this process).
static REPLACED: [AtomicU64; 3] = [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)];

/// `(status, count)` of the requests hyper could not read, since the process started (the
/// application never sees them, so `/metrics` reads them from here).
pub fn unreadable_counts() -> [(u16, u64); 3] {
    std::array::from_fn(|i| (UNREADABLE[i], REPLACED[i].load(Ordering::Relaxed)))
}

/// Longest head of an automatic answer looked at; hyper's are about 100 bytes.
const MAX_HEAD: usize = 512;

/// A stream whose automatic hyper error answers get JSON bodies (see the module doc).
#[derive(Debug)]
pub struct JsonErrors<T> {
    inner: T,
    /// Replacement bytes not yet written to `inner`.
    pending: Vec<u8>,
    /// How many of `pending` are written.
    written: usize,
}

impl<T> JsonErrors<T> {
    /// Wraps a connection's stream.
    pub fn new(inner: T) -> Self {
        JsonErrors {
            inner,
            pending: Vec::new(),
            written: 0,
        }
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &T {
        &self.inner
    }
}

impl<T: AsyncWrite + Unpin> JsonErrors<T> {
    /// Writes what is left of a replacement answer.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.pending.len() {
            let n =
                ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        self.pending.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }

    /// If `buf` starts with an automatic error answer, queues its replacement and returns the
    /// length of the original head (reported to hyper as written).
    fn intercept(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Option<io::Result<usize>> {
        let (head_len, replacement) = replace(buf)?;
        if let Some(i) = buf.get(9..12).and_then(|s| {
            UNREADABLE
                .iter()
                .position(|u| u.to_string().as_bytes() == s)
        }) {
            REPLACED[i].fetch_add(1, Ordering::Relaxed);
        }
        self.pending = replacement;
        self.written = 0;
        // Start writing now; what is left goes out on the next write, flush or shutdown.
        match self.drain(cx) {
            Poll::Ready(Err(e)) => Some(Err(e)),
            _ => Some(Ok(head_len)),
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonErrors<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonErrors<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.drain(cx))?;
        if let Some(result) = this.intercept(cx, buf) {
            return Poll::Ready(result);
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.drain(cx))?;
        if let Some(first) = bufs.iter().find(|b| !b.is_empty())
            && let Some(result) = this.intercept(cx, first)
        {
            return Poll::Ready(result);
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.drain(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.drain(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

/// The replacement of an automatic error answer at the start of `buf`: the original head's length
/// and the new answer's bytes. `None` for anything else.
fn replace(buf: &[u8]) -> Option<(usize, Vec<u8>)> {
    if !(buf.starts_with(b"HTTP/1.1 ") || buf.starts_with(b"HTTP/1.0 ")) {
        return None;
    }
    let window = &buf[..buf.len().min(MAX_HEAD)];
    let end = window.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&window[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .filter(|s| s.is_client_error() || s.is_server_error())?;
    let mut close = false;
    let mut empty = false;
    let mut date = None;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "connection" => close = value.eq_ignore_ascii_case("close"),
            "content-length" => empty = value == "0",
            "date" => date = Some(value),
            // An answer of the application, or one with a body: not ours to touch.
            _ => return None,
        }
    }
    if !(close && empty) {
        return None;
    }
    let body = serde_json::to_vec(&ApiError::unreadable(status).body()).ok()?;
    let mut out = Vec::with_capacity(256 + body.len());
    out.extend_from_slice(status_line.as_bytes());
    out.extend_from_slice(b"\r\ncontent-type: application/json\r\n");
    out.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    out.extend_from_slice(b"connection: close\r\ncache-control: no-store\r\n");
    out.extend_from_slice(b"x-content-type-options: nosniff\r\n");
    if let Some(date) = date {
        out.extend_from_slice(format!("date: {date}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&body);
    Some((end + 4, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HYPER_431: &[u8] =
        b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\n\
        content-length: 0\r\ndate: Sun, 06 Dec 2026 19:42:23 GMT\r\n\r\n";

    #[test]
    fn automatic_answers_get_a_json_body() {
        let (len, out) = replace(HYPER_431).unwrap();
        assert_eq!(len, HYPER_431.len());
        let out = String::from_utf8(out).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 "));
        assert!(head.contains("content-type: application/json"));
        assert!(head.contains(&format!("content-length: {}", body.len())));
        assert!(head.contains("date: Sun, 06 Dec 2026"));
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["error"]["code"], "headers_too_large");
    }

    #[test]
    fn answers_of_the_application_pass() {
        // Our own answers carry a request id (and a content type); bodies never start a status line.
        for bytes in [
            &b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\nx-request-id: 1\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            b"{\"error\":{}}",
            b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0",
        ] {
            assert!(replace(bytes).is_none(), "{}", String::from_utf8_lossy(bytes));
        }
    }
}
