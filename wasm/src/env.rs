//! The browser's [`Environment`]: the clock from JavaScript's `Date`, randomness from
//! `crypto.getRandomValues` (through getrandom's `wasm_js` backend).

use capstan_core::Environment;

/// Time and randomness as a browser, a worker or Node.js provides them.
pub struct BrowserEnvironment;

impl Environment for BrowserEnvironment {
    fn now(&self) -> (i64, u32) {
        // Date.now() is whole milliseconds since the epoch.
        let ms = js_sys::Date::now();
        let ms = if ms.is_finite() { ms as i64 } else { 0 };
        (
            ms.div_euclid(1000),
            (ms.rem_euclid(1000) as u32) * 1_000_000,
        )
    }

    fn fill_random(&self, buf: &mut [u8]) {
        if getrandom::fill(buf).is_err() {
            // No Web Crypto (a very old host): a clock-seeded stream rather than a panic.
            let mut x = (js_sys::Date::now() as u64) | 1;
            for b in buf.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = (x >> 24) as u8;
            }
        }
    }
}
