//! Reading a request body in two parts: the 16 KB command block, then (for `FPUT`) the
//! chunk bytes as they arrive.

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Incoming};

/// A request body read as a head followed by a stream of parts.
#[derive(Debug)]
pub(crate) struct RequestBody {
    inner: Option<Incoming>,
    leftover: Option<Bytes>,
}

impl RequestBody {
    pub fn new(body: Incoming) -> Self {
        RequestBody {
            inner: Some(body),
            leftover: None,
        }
    }

    /// Reads up to `n` bytes (fewer only when the body ends); the rest stays for
    /// [`RequestBody::next_part`].
    pub async fn head(&mut self, n: usize) -> Result<Vec<u8>, hyper::Error> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let Some(mut part) = self.next_part().await? else {
                break;
            };
            let take = (n - out.len()).min(part.len());
            out.extend_from_slice(&part.split_to(take));
            if !part.is_empty() {
                self.leftover = Some(part);
            }
        }
        Ok(out)
    }

    /// True when more body bytes may follow.
    pub fn has_more(&self) -> bool {
        self.leftover.is_some() || self.inner.as_ref().is_some_and(|b| !b.is_end_stream())
    }

    /// The next non-empty part of the body, or `None` at its end.
    pub async fn next_part(&mut self) -> Result<Option<Bytes>, hyper::Error> {
        if let Some(b) = self.leftover.take() {
            return Ok(Some(b));
        }
        while let Some(body) = self.inner.as_mut() {
            match body.frame().await {
                None => self.inner = None,
                Some(Err(e)) => {
                    self.inner = None;
                    return Err(e);
                }
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data()
                        && !data.is_empty()
                    {
                        return Ok(Some(data));
                    }
                }
            }
        }
        Ok(None)
    }
}

/// A response body: the bytes known at once, then (for `FILE`) parts from a channel
/// that a task fills while reading and encrypting the chunk.
#[derive(Debug)]
pub(crate) struct ResponseBody {
    head: Option<Bytes>,
    rest: Option<tokio::sync::mpsc::Receiver<Bytes>>,
}

impl ResponseBody {
    pub fn full(b: Vec<u8>) -> Self {
        ResponseBody {
            head: (!b.is_empty()).then(|| Bytes::from(b)),
            rest: None,
        }
    }

    pub fn streamed(head: Vec<u8>, rest: tokio::sync::mpsc::Receiver<Bytes>) -> Self {
        ResponseBody {
            head: Some(Bytes::from(head)),
            rest: Some(rest),
        }
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
        use std::task::Poll;
        if let Some(h) = self.head.take() {
            return Poll::Ready(Some(Ok(hyper::body::Frame::data(h))));
        }
        let Some(rx) = self.rest.as_mut() else {
            return Poll::Ready(None);
        };
        match rx.poll_recv(cx) {
            Poll::Ready(Some(b)) => Poll::Ready(Some(Ok(hyper::body::Frame::data(b)))),
            Poll::Ready(None) => {
                self.rest = None;
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.head.is_none() && self.rest.is_none()
    }
}
