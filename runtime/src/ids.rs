//! Identifiers the client generates for `@default(uuid() | cuid() | nanoid() | ulid())`.
//!
//! Formats follow the reference: UUID v4/v7 (36 characters with dashes), cuid v1 (25
//! characters starting with `c`), cuid v2 (24 lowercase base-36 characters starting with a
//! letter), nanoid (URL-safe alphabet, 21 characters by default) and ULID (26 Crockford
//! base-32 characters, time-ordered). Randomness comes from the operating system.

use std::sync::atomic::{AtomicU32, Ordering};

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The OS generator only fails on broken systems; fall back to uuid's own source then.
    if getrandom::fill(&mut buf).is_err() {
        for chunk in buf.chunks_mut(16) {
            let u = uuid::Uuid::new_v4();
            chunk.copy_from_slice(&u.as_bytes()[..chunk.len()]);
        }
    }
    buf
}

fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// `uuid()` / `uuid(7)`.
pub(crate) fn uuid(version: u8) -> String {
    if version == 7 {
        uuid::Uuid::now_v7().to_string()
    } else {
        uuid::Uuid::new_v4().to_string()
    }
}

const BASE36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

fn base36(mut n: u128, width: usize) -> String {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = BASE36[(n % 36) as usize];
        n /= 36;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// `cuid()` (v1: `c` + time + counter + fingerprint + random) or `cuid(2)`.
pub(crate) fn cuid(version: u8) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    if version == 2 {
        let bytes = random_bytes::<16>();
        let n = u128::from_be_bytes(bytes);
        let first = BASE36[10 + (bytes[0] as usize % 26)] as char;
        return format!("{first}{}", base36(n, 23));
    }
    let count = COUNTER.fetch_add(1, Ordering::Relaxed) % (36 * 36 * 36 * 36);
    let fingerprint = u128::from(std::process::id()) % (36 * 36 * 36 * 36);
    let random = u128::from_be_bytes(random_bytes::<16>()) % 36u128.pow(8);
    format!(
        "c{}{}{}{}",
        base36(u128::from(now_millis()), 8),
        base36(u128::from(count), 4),
        base36(fingerprint, 4),
        base36(random, 8)
    )
}

/// `nanoid()` / `nanoid(n)`: `n` characters of `A-Za-z0-9_-`.
pub(crate) fn nanoid(length: u8) -> String {
    const ALPHABET: &[u8; 64] = b"useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict";
    let bytes = random_bytes::<255>();
    bytes[..usize::from(length.max(1))]
        .iter()
        .map(|b| ALPHABET[usize::from(b & 63)] as char)
        .collect()
}

/// `ulid()`: 48-bit millisecond time, 80 random bits, Crockford base 32.
pub(crate) fn ulid() -> String {
    const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let random = random_bytes::<10>();
    let mut n: u128 = u128::from(now_millis() & 0xFFFF_FFFF_FFFF) << 80;
    for (i, b) in random.iter().enumerate() {
        n |= u128::from(*b) << (8 * (9 - i));
    }
    (0..26)
        .rev()
        .map(|i| CROCKFORD[((n >> (5 * i)) & 31) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(uuid(4).len(), 36);
        assert_eq!(&uuid(7)[14..15], "7");
        let c1 = cuid(1);
        assert!(c1.starts_with('c') && c1.len() == 25, "{c1}");
        let c2 = cuid(2);
        assert!(
            c2.len() == 24 && c2.chars().next().unwrap().is_ascii_lowercase(),
            "{c2}"
        );
        assert_eq!(nanoid(21).len(), 21);
        assert_eq!(nanoid(8).len(), 8);
        assert!(nanoid(21)
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        let (a, b) = (ulid(), ulid());
        assert_eq!(a.len(), 26);
        assert_ne!(a, b);
        assert!(a[..10] <= b[..10], "time-ordered prefix");
    }

    #[test]
    fn ids_do_not_repeat() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..2000 {
            assert!(seen.insert(cuid(1)));
            assert!(seen.insert(cuid(2)));
            assert!(seen.insert(nanoid(21)));
            assert!(seen.insert(ulid()));
        }
    }
}
