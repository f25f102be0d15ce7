//! Helpers that append SimpleX primitives to an output buffer.

/// Appends a `'T'`/`'F'` boolean.
pub fn put_bool(out: &mut Vec<u8>, b: bool) {
    out.push(if b { b'T' } else { b'F' });
}

/// Appends a big-endian `u16`.
pub fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Appends a big-endian `u32`.
pub fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Appends a big-endian `i64`.
pub fn put_i64(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Appends a `short` byte string whose length is known to fit in one byte.
///
/// Callers pass only values bounded by their type (ids, keys, [`crate::Short`]); a longer
/// slice is cut at 255 bytes rather than producing an undecodable length byte.
pub fn put_short(out: &mut Vec<u8>, b: &[u8]) {
    let n = b.len().min(u8::MAX as usize);
    out.push(n as u8);
    out.extend_from_slice(&b[..n]);
}

/// Appends a `large` byte string whose length is known to fit in two bytes (cut otherwise).
pub fn put_large(out: &mut Vec<u8>, b: &[u8]) {
    let n = b.len().min(u16::MAX as usize);
    put_u16(out, n as u16);
    out.extend_from_slice(&b[..n]);
}

/// Appends a `'0'`/`'1'` optional, encoding the value with `f` when present.
pub fn put_maybe<T>(out: &mut Vec<u8>, v: Option<&T>, f: impl FnOnce(&mut Vec<u8>, &T)) {
    match v {
        None => out.push(b'0'),
        Some(x) => {
            out.push(b'1');
            f(out, x);
        }
    }
}

/// Appends a counted list (at most 255 items are written; callers bound their lists).
pub fn put_list<T>(out: &mut Vec<u8>, items: &[T], mut f: impl FnMut(&mut Vec<u8>, &T)) {
    let n = items.len().min(u8::MAX as usize);
    out.push(n as u8);
    for x in &items[..n] {
        f(out, x);
    }
}
