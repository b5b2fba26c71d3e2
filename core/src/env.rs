//! The core's only window on the world: time and randomness. Each host implements it
//! (native: the system clock and OS randomness; WASM: the browser's clock and crypto).

/// Time and randomness for templates (`now`, `rand*`, `uuidv4`, key generation...).
pub trait Environment {
    /// Current time as (seconds, nanoseconds) since the Unix epoch, UTC.
    fn now(&self) -> (i64, u32);
    /// Fills `buf` with cryptographically secure random bytes.
    fn fill_random(&self, buf: &mut [u8]);
}

/// A deterministic environment for tests: a fixed clock and a seeded xorshift stream.
/// Not cryptographically secure; never use outside tests.
pub struct FixedEnvironment {
    pub now: (i64, u32),
    state: std::cell::Cell<u64>,
}

impl FixedEnvironment {
    pub fn new(now_secs: i64, seed: u64) -> Self {
        FixedEnvironment {
            now: (now_secs, 0),
            state: std::cell::Cell::new(seed | 1),
        }
    }
}

impl Environment for FixedEnvironment {
    fn now(&self) -> (i64, u32) {
        self.now
    }
    fn fill_random(&self, buf: &mut [u8]) {
        let mut x = self.state.get();
        for b in buf.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = (x >> 24) as u8;
        }
        self.state.set(x);
    }
}
