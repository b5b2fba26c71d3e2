//! The native [`Environment`]: the system clock and the OS's secure randomness.

use capstan_core::Environment;

/// System time and OS randomness.
pub struct SystemEnvironment;

impl Environment for SystemEnvironment {
    fn now(&self) -> (i64, u32) {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        (d.as_secs() as i64, d.subsec_nanos())
    }
    fn fill_random(&self, buf: &mut [u8]) {
        if getrandom::fill(buf).is_err() {
            // The OS refused randomness: fall back to a time-seeded stream rather than
            // panic; only reachable on broken systems.
            let mut x = self.now().1 as u64 | 1;
            for b in buf.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = x as u8;
            }
        }
    }
}
