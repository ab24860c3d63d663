//! Counting gRPC messages as they stream: each message is a 5-byte prefix (a compression
//! flag and a big-endian length) and that many bytes, and may be split across frames any
//! way the transport likes. The counter reads prefixes and skips bodies, so its cost is a
//! few operations per frame whatever the message size.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};

use bytes::Buf;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

/// Where a stream of gRPC frames is, between prefixes and bodies.
#[derive(Debug, Default, Clone)]
pub(crate) struct MessageCounter {
    messages: u64,
    /// Bytes of the current prefix read so far (0 to 4).
    prefix_read: u8,
    /// The current prefix's length field, as read so far.
    length: u32,
    /// Bytes of the current message's body still to come.
    body_left: u64,
}

impl MessageCounter {
    /// Messages whose prefix has started.
    pub(crate) fn messages(&self) -> u64 {
        self.messages
    }

    /// Reads one data frame.
    pub(crate) fn feed(&mut self, data: &impl Buf) {
        if data.chunk().len() == data.remaining() {
            self.feed_slice(data.chunk());
        } else {
            let mut slices = [std::io::IoSlice::new(&[]); 64];
            let filled = data.chunks_vectored(&mut slices);
            for slice in &slices[..filled] {
                self.feed_slice(slice);
            }
        }
    }

    fn feed_slice(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if self.body_left > 0 {
                let skipped = self.body_left.min(bytes.len() as u64);
                self.body_left -= skipped;
                bytes = &bytes[skipped as usize..];
                continue;
            }
            let byte = bytes[0];
            bytes = &bytes[1..];
            if self.prefix_read == 0 {
                // The compression flag: a message starts.
                self.messages += 1;
            } else {
                self.length = (self.length << 8) | u32::from(byte);
            }
            self.prefix_read += 1;
            if self.prefix_read == 5 {
                self.body_left = u64::from(self.length);
                self.prefix_read = 0;
                self.length = 0;
            }
        }
    }
}

pin_project! {
    /// A request body that counts the messages streaming through it into a counter the
    /// call reads when it ends.
    pub(crate) struct CountedBody<B> {
        #[pin]
        inner: B,
        counter: MessageCounter,
        messages: Arc<AtomicU64>,
    }
}

impl<B> CountedBody<B> {
    pub(crate) fn new(inner: B, messages: Arc<AtomicU64>) -> Self {
        Self {
            inner,
            counter: MessageCounter::default(),
            messages,
        }
    }
}

impl<B: Body> Body for CountedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let frame = ready!(this.inner.poll_frame(cx));
        if let Some(Ok(frame)) = &frame {
            if let Some(data) = frame.data_ref() {
                this.counter.feed(data);
                this.messages
                    .store(this.counter.messages(), Ordering::Relaxed);
            }
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Arranges for the messages of `body` to be counted, when its type is one the layer can
/// rebuild (tonic's, and axum's for gRPC served by an axum router); `None` otherwise.
pub(crate) fn count<B: Body + 'static>(body: &mut B) -> Option<Arc<AtomicU64>> {
    let any = body as &mut dyn std::any::Any;
    if let Some(body) = any.downcast_mut::<tonic::body::Body>() {
        let messages = Arc::new(AtomicU64::new(0));
        let inner = std::mem::take(body);
        *body = tonic::body::Body::new(CountedBody::new(inner, messages.clone()));
        return Some(messages);
    }
    #[cfg(feature = "axum")]
    if let Some(body) = any.downcast_mut::<axum::body::Body>() {
        let messages = Arc::new(AtomicU64::new(0));
        let inner = std::mem::take(body);
        *body = axum::body::Body::new(CountedBody::new(inner, messages.clone()));
        return Some(messages);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(body: &[u8]) -> Vec<u8> {
        let mut framed = vec![0];
        framed.extend_from_slice(&(body.len() as u32).to_be_bytes());
        framed.extend_from_slice(body);
        framed
    }

    #[test]
    fn messages_are_counted_however_the_frames_split_them() {
        let mut stream = Vec::new();
        for body in [&b""[..], b"hello", &[7u8; 70_000][..], b"x"] {
            stream.extend(message(body));
        }
        for frame_size in [1, 2, 3, 5, 7, 4096, stream.len()] {
            let mut counter = MessageCounter::default();
            for frame in stream.chunks(frame_size) {
                counter.feed(&bytes::Bytes::copy_from_slice(frame));
            }
            assert_eq!(counter.messages(), 4, "frames of {frame_size} bytes");
            assert_eq!(counter.body_left, 0);
        }
    }

    #[test]
    fn a_buffer_in_pieces_is_read_in_order() {
        let stream = [message(b"ab"), message(b"cde")].concat();
        let (first, second) = stream.split_at(4);
        let chained =
            bytes::Bytes::copy_from_slice(first).chain(bytes::Bytes::copy_from_slice(second));
        let mut counter = MessageCounter::default();
        counter.feed(&chained);
        assert_eq!(counter.messages(), 2);
    }
}
