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
